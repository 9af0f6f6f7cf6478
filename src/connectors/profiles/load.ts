/**
 * STIX-shifter data-source profiles, as Kestrel reads them:
 *
 * - environment: `STIXSHIFTER_<NAME>_CONNECTOR` (default `elastic_ecs`), `STIXSHIFTER_<NAME>_CONNECTION` (JSON),
 *   `STIXSHIFTER_<NAME>_CONFIG` (JSON);
 * - a YAML file `{profiles: {NAME: {connector, connection, config}}}` at `$KESTREL_STIXSHIFTER_CONFIG`, else
 *   `~/.config/peregrine/stixshifter.yaml`, else Kestrel's `~/.config/kestrel/stixshifter.yaml`; `$VAR` expanded.
 *
 * Names are case-insensitive (Kestrel lower-cases them). Environment values override the file's, key by key.
 * Errors name the variable or file and point at the position inside its JSON/YAML; secrets never appear in them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError, spanAt, type SourceSpan } from '../../errors/index.ts';
import type { SourceProfile } from '../types.ts';
import { expandVars } from './expand.ts';
import { jsonErrorOffset, jsonPathOffset } from './json-position.ts';

export const DEFAULT_CONNECTOR = 'elastic_ecs';
/** The shape of a profile file, for hints. */
const PROFILE_FILE_SHAPE =
  'profiles: {NAME: {connector: elastic_ecs, connection: {host: …, port: 9200, indices: …}, config: {auth: {…}}}}';
const PREFIX = 'STIXSHIFTER_';
const SUFFIXES = ['CONNECTOR', 'CONNECTION', 'CONFIG'] as const;
type Section = 'connection' | 'config';

/** Where a profile section came from: the variable name or file, and its text for positions. */
interface SectionOrigin {
  readonly source: string;
  readonly text?: string;
  /** Key path of this section inside `text` (YAML file: `profiles.NAME.connection`). */
  readonly base: readonly string[];
}

/** Spans into text that may hold credentials keep line and column but not the text (never shown in errors). */
function secretSafe(span: SourceSpan, secret: boolean): SourceSpan {
  return secret ? { ...span, text: undefined } : span;
}

const origins = new WeakMap<SourceProfile, Partial<Record<Section, SectionOrigin>>>();

/** The YAML profile file in effect (may not exist). */
export function profileFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KESTREL_STIXSHIFTER_CONFIG) return env.KESTREL_STIXSHIFTER_CONFIG;
  const home = env.HOME ?? homedir();
  const ours = join(home, '.config', 'peregrine', 'stixshifter.yaml');
  const kestrel = join(home, '.config', 'kestrel', 'stixshifter.yaml');
  return existsSync(ours) || !existsSync(kestrel) ? ours : kestrel;
}

interface RawProfile {
  connector?: { value: string; source: string };
  connection?: { value: unknown; origin: SectionOrigin };
  config?: { value: unknown; origin: SectionOrigin };
}

function readFileProfiles(env: NodeJS.ProcessEnv): Map<string, RawProfile> {
  const out = new Map<string, RawProfile>();
  const path = profileFilePath(env);
  if (!existsSync(path)) {
    if (env.KESTREL_STIXSHIFTER_CONFIG) {
      throw new InputError(
        'E_PROFILE_FILE',
        `KESTREL_STIXSHIFTER_CONFIG names ${path}, which does not exist`,
        {
          hint: `point KESTREL_STIXSHIFTER_CONFIG at a profile file (YAML: ${PROFILE_FILE_SHAPE}), or unset it`,
        },
      );
    }
    return out;
  }
  const text = readFileSync(path, 'utf8');
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    // the position is in the span; the file is not shown, as it may hold credentials
    const why = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new InputError('E_PROFILE_YAML', `${path} is not valid YAML: ${why}`, {
      span: secretSafe(spanAt(path, text, e.pos[0]), true),
      hint: `the file is not shown as it may hold credentials; a profile file is ${PROFILE_FILE_SHAPE}`,
    });
  }
  const data = doc.toJS() as { profiles?: Record<string, Record<string, unknown>> } | null;
  if (!data?.profiles) return out;
  if (typeof data.profiles !== 'object') {
    throw new InputError('E_PROFILE_YAML', `${path}: "profiles" must be a mapping of profile names`, {
      hint: `a profile file is ${PROFILE_FILE_SHAPE}`,
    });
  }
  for (const [name, p] of Object.entries(data.profiles)) {
    if (p === null || typeof p !== 'object') {
      throw new InputError('E_PROFILE_YAML', `${path}: profiles.${name} must be a mapping`, {
        span: secretSafe(spanAt(path, text, text.indexOf(name)), true),
        hint: `a profile file is ${PROFILE_FILE_SHAPE}`,
      });
    }
    const raw: RawProfile = {};
    const where = `${path}: profiles.${name}`;
    if (p.connector !== undefined) raw.connector = { value: String(p.connector), source: path };
    for (const s of ['connection', 'config'] as const) {
      if (p[s] !== undefined) {
        raw[s] = {
          value: expandVars(p[s], env, `${where}.${s}`),
          origin: { source: path, text, base: ['profiles', name, s] },
        };
      }
    }
    out.set(name.toLowerCase(), raw);
  }
  return out;
}

function parseJsonVar(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const offset = jsonErrorOffset(text, (e as Error).message);
    const what = text.trim() === '' ? 'is empty' : `is not valid JSON (at position ${offset})`;
    throw new InputError('E_PROFILE_JSON', `${name} ${what}`, {
      span: secretSafe(spanAt(name, text, offset), name.toUpperCase().endsWith('_CONFIG')),
      hint: `${name} must hold a JSON object, e.g. ${name.endsWith('_CONFIG') ? `'{"auth":{"username":"…","password":"…"}}'` : `'{"host":"localhost","port":9200,"indices":"logs-*"}'`}`,
    });
  }
}

function readEnvProfiles(env: NodeJS.ProcessEnv): Map<string, RawProfile> {
  const out = new Map<string, RawProfile>();
  for (const key of Object.keys(env).sort()) {
    if (!key.toUpperCase().startsWith(PREFIX)) continue;
    const rest = key.slice(PREFIX.length);
    const suffix = SUFFIXES.find((s) => rest.toUpperCase().endsWith('_' + s));
    if (!suffix) continue;
    const name = rest.slice(0, rest.length - suffix.length - 1).toLowerCase();
    if (!name) continue;
    const value = env[key] ?? '';
    const raw = out.get(name) ?? {};
    if (suffix === 'CONNECTOR') raw.connector = { value: value.trim(), source: key };
    else {
      const section = suffix === 'CONNECTION' ? 'connection' : 'config';
      raw[section] = { value: parseJsonVar(key, value), origin: { source: key, text: value, base: [] } };
    }
    out.set(name, raw);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (isObject(a) && isObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = deepMerge(a[k], v);
    return out;
  }
  return b;
}

/** An InputError about `section` of `profile`, pointing at `path` inside the JSON/YAML it came from. */
export function profileError(
  profile: SourceProfile,
  section: Section,
  path: readonly (string | number)[],
  message: string,
  hint?: string,
): InputError {
  const o = origins.get(profile)?.[section];
  const where = o
    ? o.text !== undefined && o.base.length === 0
      ? o.source
      : `${o.source} (profiles.${profile.name}.${section})`
    : profile.origin;
  const keyPath = path.length ? path.join('.') : '(the whole value)';
  const offset = o?.text !== undefined ? jsonPathOffset(o.text, [...o.base, ...path]) : undefined;
  return new InputError(
    'E_PROFILE_INVALID',
    `data source "${profile.name}": ${where}: ${keyPath}: ${ZOD_WORDING[message] ?? message}`,
    {
      span:
        o?.text !== undefined && offset !== undefined
          ? secretSafe(spanAt(o.source, o.text, offset), section === 'config' || o.base.length > 0)
          : undefined,
      hint: hint ?? defaultHint(profile, section, path, o?.source ?? profile.origin),
    },
  );
}

/** zod's terse messages, said the way a user reads them. */
const ZOD_WORDING: Readonly<Record<string, string>> = {
  Required: 'is missing',
  'Invalid input': 'has a value of the wrong kind',
};

/** What each connection key of an elastic_ecs profile looks like, for hints. */
const CONNECTION_KEYS: Readonly<Record<string, string>> = {
  host: '"host": "localhost" (a name or address; "https://name:9200" also works)',
  port: '"port": 9200 (a number)',
  indices: '"indices": "logs-*" (comma-separated names or patterns)',
  index: '"indices": "logs-*" (comma-separated names or patterns)',
  scheme: '"scheme": "http" or "https"',
  path: '"path": "…/store.duckdb" (the embedded store file)',
  options: '"options": {"result_limit": 10000, "timeout": 30}',
};

/** A hint for an invalid profile value when its checker gave none: the key's shape, or the section's. */
function defaultHint(
  profile: SourceProfile,
  section: Section,
  path: readonly (string | number)[],
  where: string,
): string {
  if (section === 'config') {
    return `${where} holds {"auth": {"id": "…", "api_key": "…"}}, {"auth": {"username": "…", "password": "…"}} or {"auth": {"access_token": "…"}}`;
  }
  const example =
    profile.connector === 'local'
      ? '{"path": "…/store.duckdb", "indices": "name-*"}'
      : '{"host": "localhost", "port": 9200, "indices": "logs-*"}';
  const key = path.length ? CONNECTION_KEYS[String(path[0])] : undefined;
  return key
    ? `write ${key}; a connection of the ${profile.connector} connector looks like ${example}`
    : `${where} must hold a JSON object like ${example}`;
}

/**
 * Every profile by name. With `problems`, a profile that cannot be read (bad JSON in its variable, no connection, …)
 * is reported there and left out, and the others still load (`peregrine doctor` checks each); without, the first
 * such profile throws.
 */
function loadAll(env: NodeJS.ProcessEnv, problems?: ProfileProblem[]): Map<string, SourceProfile> {
  let file = new Map<string, RawProfile>();
  try {
    file = readFileProfiles(env);
  } catch (e) {
    if (!problems) throw e;
    problems.push({ name: profileFilePath(env), error: e });
  }
  const vars = problems ? readEnvProfilesEach(env, problems) : readEnvProfiles(env);
  const out = new Map<string, SourceProfile>();
  for (const name of new Set([...file.keys(), ...vars.keys()])) {
    if (!problems) {
      loadOne(name, file, vars, env, out);
      continue;
    }
    try {
      loadOne(name, file, vars, env, out);
    } catch (e) {
      problems.push({ name, error: e });
    }
  }
  return out;
}

/** A profile `listProfilesChecked` could not read. */
export interface ProfileProblem {
  readonly name: string;
  readonly error: unknown;
}

/** {@link readEnvProfiles} one profile at a time: a variable that is not JSON leaves its own profile out. */
function readEnvProfilesEach(env: NodeJS.ProcessEnv, problems: ProfileProblem[]): Map<string, RawProfile> {
  const byName = new Map<string, NodeJS.ProcessEnv>();
  for (const key of Object.keys(env)) {
    if (!key.toUpperCase().startsWith(PREFIX)) continue;
    const rest = key.slice(PREFIX.length);
    const suffix = SUFFIXES.find((s) => rest.toUpperCase().endsWith('_' + s));
    if (!suffix) continue;
    const name = rest.slice(0, rest.length - suffix.length - 1).toLowerCase();
    byName.set(name, { ...byName.get(name), [key]: env[key] });
  }
  const out = new Map<string, RawProfile>();
  for (const [name, own] of byName) {
    try {
      for (const [n, raw] of readEnvProfiles(own)) out.set(n, raw);
    } catch (e) {
      problems.push({ name, error: e });
    }
  }
  return out;
}

function loadOne(
  name: string,
  file: Map<string, RawProfile>,
  vars: Map<string, RawProfile>,
  env: NodeJS.ProcessEnv,
  out: Map<string, SourceProfile>,
): void {
  const f = file.get(name) ?? {};
  const v = vars.get(name) ?? {};
  const connector = v.connector ?? f.connector;
  const connection =
    v.connection && f.connection
      ? deepMerge(f.connection.value, v.connection.value)
      : (v.connection ?? f.connection)?.value;
  const config =
    v.config && f.config ? deepMerge(f.config.value, v.config.value) : (v.config ?? f.config)?.value;
  const connOrigin = (v.connection ?? f.connection)?.origin;
  const confOrigin = (v.config ?? f.config)?.origin;
  const origin = [connector?.source, connOrigin?.source, confOrigin?.source].filter(Boolean);
  const profile: SourceProfile = {
    name,
    connector: connector?.value || DEFAULT_CONNECTOR,
    connection: (connection ?? {}) as Record<string, unknown>,
    config: (config ?? {}) as Record<string, unknown>,
    origin:
      [...new Set(origin)].map((s) => (s!.startsWith(PREFIX) ? `env ${s}` : s)).join(', ') || 'defaults',
  };
  origins.set(profile, { connection: connOrigin, config: confOrigin });
  if (connection === undefined) {
    throw new InputError('E_PROFILE_INCOMPLETE', `data source "${name}" has no connection`, {
      hint: `set STIXSHIFTER_${name.toUpperCase()}_CONNECTION='${profile.connector === 'local' ? '{"path":"…/store.duckdb","indices":"…"}' : '{"host":"…","port":9200,"indices":"…"}'}' or add profiles.${name}.connection to ${profileFilePath(env)}`,
    });
  }
  if (!isObject(connection)) throw profileError(profile, 'connection', [], 'must be a JSON object');
  if (config !== undefined && !isObject(config))
    throw profileError(profile, 'config', [], 'must be a JSON object');
  out.set(name, profile);
}

/**
 * Every profile that can be read, and a problem for each that cannot (`peregrine doctor`: one broken profile must
 * not hide the others). A broken profile file is one problem named after the file.
 */
export function listProfilesChecked(env: NodeJS.ProcessEnv = process.env): {
  profiles: SourceProfile[];
  problems: ProfileProblem[];
} {
  const problems: ProfileProblem[] = [];
  const all = loadAll(env, problems);
  return { profiles: [...all.values()].sort((a, b) => a.name.localeCompare(b.name)), problems };
}

/** Every profile defined in the environment and the profile file (for `peregrine doctor`). */
export function listProfiles(env: NodeJS.ProcessEnv = process.env): SourceProfile[] {
  return [...loadAll(env).values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Resolves `stixshifter://NAME` or a bare NAME. */
export function resolveStixShifterProfile(name: string, env: NodeJS.ProcessEnv = process.env): SourceProfile {
  const key = name.replace(/^stixshifter:\/\//, '').toLowerCase();
  // only the asked profile's variables are read: a broken unrelated profile must not stop this one
  const own = `${PREFIX}${key.toUpperCase()}_`;
  const sub = Object.fromEntries(
    Object.entries(env).filter(
      ([k]) => !k.toUpperCase().startsWith(PREFIX) || k.toUpperCase().startsWith(own),
    ),
  );
  const all = loadAll(sub);
  const p = all.get(key);
  if (!p) {
    const known = [...all.keys()];
    throw new InputError('E_PROFILE_NOT_FOUND', `no data source profile "${key}"`, {
      hint: `set STIXSHIFTER_${key.toUpperCase()}_CONNECTION (and _CONFIG) or add profiles.${key} to ${profileFilePath(env)}${known.length ? `; known profiles: ${known.join(', ')}` : ''}`,
    });
  }
  return p;
}

/** A copy of `profile` safe to print: every value under `config` (credentials) is masked. */
export function redactProfile(profile: SourceProfile): SourceProfile {
  const mask = (v: unknown): unknown =>
    isObject(v)
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x)]))
      : Array.isArray(v)
        ? v.map(mask)
        : '***';
  return { ...profile, config: mask(profile.config) as Record<string, unknown> };
}
