/**
 * The completion engine shared by the Jupyter kernel and the REPL. The grammar says what may come at the cursor
 * (`completionAt` of the huntflow parser, so completion never disagrees with what runs); this module turns each
 * expectation into candidates — keywords, variables, entity types, attributes of the variable's type (field map and
 * cache), relations, profiles, analytics — and filters them by the word being typed.
 */
import { completionAt, type Expectation } from '../syntax/index.ts';
import { AGGREGATE_FUNCTIONS, COMMANDS, ENTITY_TYPES, RELATIONS, TIME_UNITS } from '../syntax/vocabulary.ts';
import { attributesOfType, defaultAnalytics, defaultProfiles, type CompletionSources } from './sources.ts';

/** Candidates for the text between `start` and `end` (the word under the cursor). */
export interface Completion {
  readonly matches: readonly string[];
  readonly start: number;
  readonly end: number;
}

/** Keywords come back in the case the user is typing: all lower case when the prefix is, else upper case. */
function keywordCase(word: string, prefix: string): string {
  return prefix !== '' && prefix === prefix.toLowerCase() ? word.toLowerCase() : word;
}

export async function complete(
  text: string,
  cursor: number,
  sources: CompletionSources,
): Promise<Completion> {
  const end = Math.max(0, Math.min(cursor, text.length));
  const ctx = completionAt(text, end);
  const prefix = ctx.prefix;
  const start = ctx.replaceFrom;
  const head = text.slice(0, start);

  // Variables of the session plus those assigned earlier in this text.
  const types = new Map<string, string>();
  for (const v of sources.variables) types.set(v.name, v.type);
  for (const name of ctx.variables) if (!types.has(name)) types.set(name, ctx.variableTypes[name] ?? '');

  const attributesOfVariable = async (name: string): Promise<string[]> => {
    const type = types.get(name);
    const cached =
      sources.cachedAttributes && sources.variables.some((v) => v.name === name)
        ? await sources.cachedAttributes(name)
        : [];
    return [...new Set([...cached, ...(type ? attributesOfType(type) : [])])];
  };

  let expected: readonly Expectation[] = ctx.expected;
  // `x.` where x is a session variable (defined in an earlier cell): its attributes.
  const varDot = /([A-Za-z_][A-Za-z0-9_]*)\.$/.exec(head);
  if (varDot && types.has(varDot[1]!)) expected = [{ kind: 'attribute', variable: varDot[1]! }];
  // `process:` inside a bracketed STIX pattern: the attributes of that type.
  const typeColon = /(?:^|[^A-Za-z0-9_-])([a-z][a-z0-9-]*):$/.exec(head);
  if (typeColon && ENTITY_TYPES[typeColon[1]!]) expected = [{ kind: 'attribute', entityType: typeColon[1]! }];
  // `stixshifter://`: the configured profiles.
  const profileOnly = /stixshifter:\/\/$/i.test(head);
  if (profileOnly) expected = [{ kind: 'source' }];

  const candidates = new Set<string>();
  for (const e of expected) {
    switch (e.kind) {
      case 'statement':
        for (const c of COMMANDS) candidates.add(keywordCase(c, prefix));
        break;
      case 'keyword':
        for (const w of e.words) candidates.add(keywordCase(w, prefix));
        break;
      case 'variable':
        for (const name of types.keys()) candidates.add(name);
        break;
      case 'entityType':
        for (const t of Object.keys(ENTITY_TYPES)) candidates.add(t);
        break;
      case 'relation':
        for (const r of RELATIONS) candidates.add(keywordCase(r, prefix));
        break;
      case 'source': {
        const profiles = sources.profiles ?? (await defaultProfiles());
        if (profileOnly) {
          for (const p of profiles) candidates.add(p);
        } else if (!head.endsWith('/')) {
          for (const p of profiles) candidates.add(`stixshifter://${p}`);
          for (const name of types.keys()) candidates.add(name);
        }
        break;
      }
      case 'analytics':
        for (const a of sources.analytics ?? (await defaultAnalytics())) candidates.add(a);
        break;
      case 'attribute':
        if (e.variable) for (const a of await attributesOfVariable(e.variable)) candidates.add(a);
        else if (e.entityType) for (const a of attributesOfType(e.entityType)) candidates.add(a);
        break;
      case 'value':
        for (const name of types.keys()) candidates.add(name);
        break;
      case 'aggregate':
        for (const f of AGGREGATE_FUNCTIONS) candidates.add(keywordCase(f, prefix));
        break;
      case 'timeUnit':
        for (const u of Object.keys(TIME_UNITS)) candidates.add(keywordCase(u, prefix));
        break;
      case 'path':
      case 'operator':
      case 'timestamp':
      case 'number':
      case 'punct':
        break;
    }
  }
  const lower = prefix.toLowerCase();
  const matches = [...candidates].filter((c) => c.toLowerCase().startsWith(lower)).sort(byKind);
  return { matches, start, end };
}

/** Lower-case names (variables, types, attributes) before upper-case keywords, each alphabetical. */
function byKind(a: string, b: string): number {
  const ka = a === a.toUpperCase() ? 1 : 0;
  const kb = b === b.toUpperCase() ? 1 : 0;
  return ka - kb || a.localeCompare(b);
}
