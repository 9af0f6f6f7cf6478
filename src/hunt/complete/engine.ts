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
  // The part of an attribute path typed before the word (the parser's word starts after the last `.` or `:`):
  // `src_ref.` of `src_ref.va`, `procs.parent_ref.` of `procs.parent_ref.na`, `process:` of `[process:na`.
  let attrHead = '';
  const path = /(?:^|[^\w:'*\]-])(?:([a-z][a-z0-9-]*):)?((?:[\w'*[\]-]+\.)*)$/.exec(head);
  const typePrefix = path?.[1];
  const dotted = (path?.[2] ?? '').replace(/\.$/, '');
  if (typePrefix && ENTITY_TYPES[typePrefix]) {
    // `process:…` inside a bracketed STIX pattern: the attributes of that type.
    expected = [{ kind: 'attribute', entityType: typePrefix }];
    attrHead = dotted;
  } else if (dotted !== '') {
    const [first, ...rest] = dotted.split('.');
    if (types.has(first!)) {
      // `x.…` where x is a variable (of this cell or an earlier one): its attributes.
      expected = [{ kind: 'attribute', variable: first! }];
      attrHead = rest.join('.');
    } else {
      // Ask the grammar what was expected where the whole path starts (`src_ref` after ATTR: an attribute).
      const pathStart = start - dotted.length - 1;
      expected = completionAt(text, pathStart).expected.filter((e) => e.kind === 'attribute');
      attrHead = dotted;
    }
  }
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
      case 'attribute': {
        const all = e.variable
          ? await attributesOfVariable(e.variable)
          : e.entityType
            ? attributesOfType(e.entityType)
            : [];
        for (const a of all.map(quotePath)) {
          if (attrHead === '') candidates.add(a);
          else if (a.startsWith(attrHead + '.')) candidates.add(a.slice(attrHead.length + 1));
        }
        break;
      }
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

/** An attribute path as written in a huntflow: components that are not identifiers quoted (`hashes.'SHA-256'`). */
export function quotePath(path: string): string {
  return path
    .split('.')
    .map((c) => (/^[A-Za-z_][\w]*(?:\[(?:\*|\d+)\])?$/.test(c) || /^'.*'$/.test(c) ? c : `'${c}'`))
    .join('.');
}

/** Lower-case names (variables, types, attributes) before upper-case keywords, each alphabetical. */
function byKind(a: string, b: string): number {
  const ka = a === a.toUpperCase() ? 1 : 0;
  const kb = b === b.toUpperCase() ? 1 : 0;
  return ka - kb || a.localeCompare(b);
}
