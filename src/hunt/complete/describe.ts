/**
 * What Jupyter's inspect (Shift-Tab) and the REPL show for a word: a variable (type, counts, attributes), a
 * command or keyword (its syntax), an entity type (its attributes) or a relation (the types it links).
 */
import { COMMAND_SYNOPSIS } from '../syntax/synopsis.ts';
import { ENTITY_TYPES, RELATION_EDGES, RELATIONS } from '../syntax/vocabulary.ts';
import { attributesOfType, type CompletionVariable } from './sources.ts';

export { COMMAND_SYNOPSIS } from '../syntax/synopsis.ts';

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
