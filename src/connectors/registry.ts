/**
 * The connector registry (house rule 9): connectors register under their name; `openSource` maps a URI the user
 * wrote in a huntflow to an opened {@link DataSource}.
 *
 * - `stixshifter://NAME` and a bare `NAME` (no `/`, no `.`) → the profile NAME, resolved by the caller's profile
 *   resolver (default: environment variables and the profile file, `profiles/`), opened by the connector the profile
 *   names (default `elastic_ecs`).
 * - `file://…`, `http(s)://…` and bare paths → the `bundle` connector. Several comma-separated URIs of the bundle kind
 *   open as one source.
 */
import { InputError } from '../errors/index.ts';
import { resolveStixShifterProfile } from './profiles/load.ts';
import type { Connector, DataSource, SourceProfile } from './types.ts';

const connectors = new Map<string, Connector>();

/** Resolves the name of a data-source profile (`stixshifter://NAME`) to the profile. */
export type ProfileResolver = (name: string) => SourceProfile;

export interface OpenSourceOptions {
  /** Where profile names resolve; default {@link resolveStixShifterProfile} over this process's environment. */
  readonly profiles?: ProfileResolver;
}

export function registerConnector(c: Connector): void {
  connectors.set(c.name, c);
}

export function listConnectors(): Connector[] {
  return [...connectors.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function getConnector(name: string): Connector {
  const c = connectors.get(name);
  if (!c) {
    throw new InputError('E_UNKNOWN_CONNECTOR', `unknown connector "${name}"`, {
      hint: `known connectors: ${[...connectors.keys()].sort().join(', ') || '(none)'}`,
    });
  }
  return c;
}

/** True when `uri` names a stixshifter profile rather than a bundle location. */
export function isProfileUri(uri: string): boolean {
  return uri.startsWith('stixshifter://') || /^[A-Za-z0-9_-]+$/.test(uri);
}

export async function openSource(uri: string, options: OpenSourceOptions = {}): Promise<DataSource> {
  const trimmed = uri.trim();
  if (isProfileUri(trimmed)) {
    const name = trimmed.replace(/^stixshifter:\/\//, '');
    if (name === '') {
      throw new InputError('E_PROFILE_NOT_FOUND', 'stixshifter:// names no data source', {
        hint: 'write stixshifter://NAME, where NAME has STIXSHIFTER_NAME_CONNECTION set or a profile in the profile file',
      });
    }
    const profile = (options.profiles ?? resolveStixShifterProfile)(name);
    if (!connectors.has(profile.connector)) {
      // the mistake is in the profile, not in the huntflow: say where the name came from
      throw new InputError(
        'E_UNKNOWN_CONNECTOR',
        `data source "${profile.name}" names an unknown connector "${profile.connector}" (from ${profile.origin})`,
        {
          hint: `set the connector to one of: ${[...connectors.keys()].sort().join(', ')} (STIXSHIFTER_${profile.name.toUpperCase()}_CONNECTOR or profiles.${profile.name}.connector)`,
        },
      );
    }
    return getConnector(profile.connector).open(trimmed, profile);
  }
  return getConnector('bundle').open(trimmed);
}
