/**
 * What Jupyter's inspect (Shift-Tab) and the REPL show for a word: a variable (type, counts, attributes), a
 * command or keyword (its syntax), an entity type (its attributes) or a relation (the types it links).
 */
import type { COMMANDS } from '../syntax/vocabulary.ts';
import { ENTITY_TYPES, RELATION_EDGES, RELATIONS } from '../syntax/vocabulary.ts';
import { attributesOfType, type CompletionVariable } from './sources.ts';

/** One-line syntax of each command, as Kestrel 1.x documents it. */
export const COMMAND_SYNOPSIS: Readonly<Record<(typeof COMMANDS)[number], string>> = {
  GET: "x = GET <entity-type> [FROM <source|variable>] WHERE <pattern> [START t'…' STOP t'…' | LAST n DAYS|HOURS|MINUTES|SECONDS] [LIMIT n]\n  Fetch entities of a type from a data source (or filter a variable).",
  FIND: 'y = FIND <entity-type> <RELATION> [BY] x [WHERE …] [START … STOP …] [LIMIT n]\n  Entities related to those in x (CREATED, ACCEPTED, CONTAINED, LOADED, OWNED, LINKED).',
  GROUP:
    'y = GROUP x BY attr[, BIN(attr, n unit)] [WITH MIN|MAX|SUM|AVG|COUNT|NUNIQUE(attr) [AS name], …]\n  Aggregate the entities of x.',
  JOIN: 'z = JOIN x, y [BY attr_x, attr_y]\n  Entities of x whose attribute matches an entity of y.',
  SORT: 'y = SORT x BY attr [ASC|DESC]\n  Order the entities of x (DESC by default).',
  LOAD: 'x = LOAD <path.csv|.json|.parquet> [AS <entity-type>]\n  Entities from a local file.',
  SAVE: 'SAVE x TO <path.csv|.json|.parquet>\n  Write the entities of x to a file.',
  NEW: "x = NEW [<entity-type>] ['a', 'b'] | [{…}, …]\n  Entities written inline.",
  APPLY:
    'APPLY <analytics-uri> ON x[, y] [WITH k=v, …]\n  Run an analytics over variables, enriching their entities.',
  DISP: 'DISP x [ATTR a, b, …] [WHERE …] [SORT BY a [ASC|DESC]] [LIMIT n] [OFFSET n]\n  Show the entities of x as a table.',
  INFO: 'INFO x\n  Type, counts, attributes and time range of x.',
  DESCRIBE: 'DESCRIBE x.attr\n  Statistics of one attribute of x (count, unique, top, …).',
  EXPLAIN: 'EXPLAIN x\n  How x was computed: the data sources and the native queries sent.',
};

export interface VariableDetail extends CompletionVariable {
  readonly entities?: number;
  readonly records?: number;
  readonly related?: Readonly<Record<string, number>>;
  readonly attributes?: readonly string[];
}

/** Text describing `word`, or undefined when it names nothing known. */
export function describeWord(word: string, variables: readonly VariableDetail[]): string | undefined {
  const v = variables.find((x) => x.name === word);
  if (v) {
    const lines = [`${v.name}: variable of type ${v.type}`];
    if (v.entities !== undefined) lines.push(`  entities: ${v.entities}`);
    if (v.records !== undefined) lines.push(`  records:  ${v.records}`);
    const related = Object.entries(v.related ?? {}).filter(([, n]) => n > 0);
    if (related.length > 0)
      lines.push(`  related records cached: ${related.map(([t, n]) => `${t} ${n}`).join(', ')}`);
    const attrs = v.attributes ?? attributesOfType(v.type);
    if (attrs.length > 0) lines.push(`  attributes: ${attrs.join(', ')}`);
    return lines.join('\n');
  }
  const upper = word.toUpperCase();
  if (upper in COMMAND_SYNOPSIS)
    return `${upper}: ${COMMAND_SYNOPSIS[upper as keyof typeof COMMAND_SYNOPSIS]}`;
  if ((RELATIONS as readonly string[]).includes(upper)) {
    const edges = RELATION_EDGES.filter((e) => e.relation === upper || upper === 'LINKED');
    return `${upper}: relation used by FIND\n${edges.map((e) => `  ${e.subject} ${e.relation ?? '(linked)'} ${e.object}`).join('\n')}`;
  }
  if (Object.prototype.hasOwnProperty.call(ENTITY_TYPES, word)) {
    return `${word}: entity type\n  attributes: ${attributesOfType(word).join(', ')}`;
  }
  return undefined;
}

/** The name-like word around `cursor` (both sides), with its bounds. */
export function wordAt(text: string, cursor: number): { word: string; start: number; end: number } {
  const isWord = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_-]/.test(c);
  let start = Math.max(0, Math.min(cursor, text.length));
  let end = start;
  while (start > 0 && isWord(text[start - 1])) start--;
  while (end < text.length && isWord(text[end])) end++;
  return { word: text.slice(start, end), start, end };
}
