/**
 * Data-source profiles for `stixshifter://NAME` URIs (env vars + YAML, Kestrel-compatible). Importing this module
 * installs the resolver in the connector registry.
 */
import { setProfileResolver } from '../registry.ts';
import { resolveStixShifterProfile } from './load.ts';

export {
  DEFAULT_CONNECTOR,
  listProfiles,
  profileError,
  profileFilePath,
  redactProfile,
  resolveStixShifterProfile,
} from './load.ts';

setProfileResolver((name) => resolveStixShifterProfile(name));
