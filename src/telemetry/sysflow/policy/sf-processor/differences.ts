/**
 * Where a rule's outcome depends on which reading runs it: the terms that name an attribute only one of Peregrine
 * and sf-processor knows, or that neither knows while sf-processor's reading of the name as text changes the term
 * (`sf.proc.username != root` is false for Peregrine, true for sf-processor; `sf.proc.username = root` is false for
 * both and is not reported). `sysflow process` prints one warning per rule from these, at start.
 */
import { escapeControls } from '../../../../common/escape-controls.ts';
import type { Atom, Cond, Span } from '../ast.ts';
import type { Catalog } from '../catalog.ts';
import { lookupAttribute } from '../lookup.ts';
import { SFP_FIELD_NAMES, sfProcessorFields, SfpState } from './fields.ts';
import { sfProcessorItems } from './scopes.ts';
import { SfpTerms } from './terms.ts';

/** One term whose reading differs. */
export interface ReadingDifference {
  /** The attribute as written. */
  readonly attribute: string;
  /** Which reading knows it as an attribute: neither, only Peregrine, only sf-processor. */
  readonly known: 'neither' | 'peregrine' | 'sf-processor';
  /** A Falco field Peregrine cannot supply: Peregrine leaves the rule out, sf-processor reads the name as text. */
  readonly unmappable: boolean;
  readonly source: string;
  readonly span: Span;
  /** The macros through which the rule reaches the term, outermost first. */
  readonly via: readonly string[];
}

/** The differences of one rule or filter, for its warning. */
export interface ReadingNote {
  readonly rule: string;
  readonly kind: 'rule' | 'filter';
  readonly source: string;
  readonly span: Span;
  readonly differences: readonly ReadingDifference[];
}

const ALWAYS_FALSE = (): boolean => false;
const ALWAYS_TRUE = (): boolean => true;

/** Whether sf-processor's field mapper knows `name` (`name[path]` counts when `name` is a field). */
export function sfProcessorKnows(name: string): boolean {
  if (SFP_FIELD_NAMES.has(name)) return true;
  const open = name.indexOf('[');
  return open > 0 && SFP_FIELD_NAMES.has(name.slice(0, open));
}

/** The terms of `root` (through the macros `scope` defines) whose reading differs between the two engines. */
export function readingDifferences(root: Cond, source: string, scope: Catalog): ReadingDifference[] {
  const out: ReadingDifference[] = [];
  const seen = new Set<string>();
  // Constant folding of sf-processor's reading tells whether an unknown name changes a term.
  const terms = new SfpTerms(sfProcessorFields(new SfpState()), {
    TRUE: ALWAYS_TRUE,
    FALSE: ALWAYS_FALSE,
    expand: (items) => sfProcessorItems(scope, items),
    unknown: () => undefined,
    unmappable: () => undefined,
  });
  const visit = (c: Cond, src: string, via: readonly string[]): void => {
    const add = (a: Atom, differs: (known: ReadingDifference['known']) => boolean): void => {
      if (a.quoted) return;
      const hit = lookupAttribute(a.text);
      const peregrine = hit.kind === 'attr';
      const sfp = sfProcessorKnows(a.text);
      if (peregrine && sfp) return;
      const known = peregrine ? 'peregrine' : sfp ? 'sf-processor' : 'neither';
      const unmappable = hit.kind === 'unmappable';
      if (!unmappable && !differs(known)) return;
      const key = `${src}:${a.span.offset}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push({ attribute: a.text, known, unmappable, source: src, span: a.span, via });
    };
    switch (c.kind) {
      case 'and':
      case 'or':
        for (const a of c.args) visit(a, src, via);
        return;
      case 'not':
        visit(c.arg, src, via);
        return;
      case 'ref': {
        if (via.includes(c.name)) return;
        const defs = scope.macros.get(c.name) ?? [];
        for (const d of defs) visit(d.decl.condition.root, d.source, [...via, c.name]);
        return;
      }
      case 'exists':
        // Peregrine: false for an unknown name; sf-processor: a name is never empty, so true.
        add(c.operand, () => true);
        return;
      case 'compare':
        add(c.left, (known) => known !== 'neither' || terms.compare(c) !== ALWAYS_FALSE);
        // On the right an unknown name is text for both; only a name one of them knows reads differently.
        add(c.right, (known) => known !== 'neither');
        return;
      case 'inlist':
        add(c.left, (known) => known !== 'neither' || terms.inList(c) !== ALWAYS_FALSE);
        return;
    }
  };
  visit(root, source, []);
  return out;
}

/**
 * One printable line, `file:line: warning[W_POLICY_READING]: …`: the rule, each attribute with the places it is
 * read, what each engine makes of it, and the switch. Names from the policy file are sanitised for a terminal.
 */
export function formatReadingNote(
  note: ReadingNote,
  compat: boolean,
  switchText = '--compat sf-processor',
): string {
  const q = (s: string): string => `'${escapeControls(s).replace(/\r?\n/g, '\\n')}'`;
  const at = (d: ReadingDifference): string =>
    `${escapeControls(d.source)}:${d.span.line}:${d.span.col}` +
    (d.via.length ? ` via macro ${d.via.map(q).join(' → ')}` : '');
  const what = (d: ReadingDifference): string => {
    if (d.unmappable) {
      return d.known === 'sf-processor'
        ? `a Falco field Peregrine cannot supply: Peregrine leaves the ${note.kind} out, sf-processor reads its value`
        : `a Falco field SysFlow does not record: Peregrine leaves the ${note.kind} out, sf-processor compares the text ${q(d.attribute)}`;
    }
    switch (d.known) {
      case 'neither':
        return `no attribute: Peregrine reads the term as false, sf-processor compares the text ${q(d.attribute)}`;
      case 'peregrine':
        return `an attribute sf-processor does not know: Peregrine reads its value, sf-processor compares the text ${q(d.attribute)}`;
      case 'sf-processor':
        return `an attribute only sf-processor knows: Peregrine reads it as absent, sf-processor reads its value`;
    }
  };
  // One clause per attribute, with every place it is read.
  const byAttribute = new Map<string, ReadingDifference[]>();
  for (const d of note.differences)
    byAttribute.set(d.attribute, [...(byAttribute.get(d.attribute) ?? []), d]);
  const parts = [...byAttribute.values()].map(
    (ds) => `${q(ds[0].attribute)} (${ds.map(at).join('; ')}) is ${what(ds[0])}`,
  );
  const head =
    `${escapeControls(note.source)}:${note.span.line}: warning[W_POLICY_READING]: ` +
    `${note.kind} ${q(note.rule)} depends on ${parts.join('; ')}`;
  return compat
    ? `${head} — evaluated as sf-processor does (${switchText})`
    : `${head} — evaluated as Peregrine does; ${switchText} evaluates it as sf-processor does`;
}
