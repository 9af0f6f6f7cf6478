/**
 * Data-source profiles for `stixshifter://NAME` URIs (env vars + YAML, Kestrel-compatible); the connector registry
 * resolves names with {@link resolveStixShifterProfile} unless its caller passes its own resolver.
 */

export {
  DEFAULT_CONNECTOR,
  listProfiles,
  listProfilesChecked,
  type ProfileProblem,
  profileError,
  profileFilePath,
  redactProfile,
  resolveStixShifterProfile,
} from './load.ts';
