/**
 * The Kestrel huntflow language for CodeMirror 6. Its parser is Peregrine's own highlighter
 * (`src/hunt/syntax/highlight.ts`, which reads the text with the parser's lexers): the cell's text becomes a flat
 * syntax tree, one node per highlighting token, and `styleTags` gives each node kind a Lezer highlighting tag, so
 * JupyterLab's theme colours it. The stable `tok-*` classes of `classHighlighter` are added too (the browser tests
 * and user CSS select on them).
 *
 * The parse is not incremental: a cell is re-read whole on each change. Cells are small: a 4-line cell takes ~0.05 ms,
 * and 10,000 lines ~0.3–0.4× the parser's time (bench/hunt-parse.ts, docs/performance.md).
 */
import {
  defineLanguageFacet,
  HighlightStyle,
  Language,
  LanguageSupport,
  syntaxHighlighting,
} from '@codemirror/language';
import { NodeSet, NodeType, Parser, Tree, type Input, type PartialParse } from '@lezer/common';
import { classHighlighter, styleTags, tags, type Tag } from '@lezer/highlight';
import { highlightHuntflow, type HighlightKind } from '../../src/hunt/syntax/highlight.ts';

/** The highlighting tag of each token kind (a `Record`, so a new kind breaks the build until it has a tag). */
const TAGS: Readonly<Record<HighlightKind, Tag>> = {
  comment: tags.lineComment,
  command: tags.controlKeyword,
  keyword: tags.keyword,
  relation: tags.operatorKeyword,
  entityType: tags.typeName,
  definition: tags.definition(tags.variableName),
  variable: tags.variableName,
  attribute: tags.propertyName,
  string: tags.string,
  timestamp: tags.special(tags.string),
  number: tags.number,
  uri: tags.url,
  operator: tags.operator,
  punctuation: tags.punctuation,
  invalid: tags.invalid,
};

const KINDS = Object.keys(TAGS) as HighlightKind[];
/** Node types: 0 the top, then one per kind; the tree must use the set's own types, which carry the style tags. */
const NODE_SET = new NodeSet([
  NodeType.define({ id: 0, name: 'Huntflow', top: true }),
  ...KINDS.map((kind, i) => NodeType.define({ id: i + 1, name: kind })),
]).extend(styleTags(TAGS));
const TOP = NODE_SET.types[0]!;
const NODE_TYPES = new Map(KINDS.map((kind, i) => [kind, NODE_SET.types[i + 1]!]));

/** The whole text as one flat tree of highlighting tokens. */
export function huntflowTree(text: string): Tree {
  const tokens = highlightHuntflow(text);
  return new Tree(
    TOP,
    tokens.map((t) => new Tree(NODE_TYPES.get(t.kind)!, [], [], t.end - t.start)),
    tokens.map((t) => t.start),
    text.length,
  );
}

/** A parse that finishes in one step: the highlighter reads the whole text. */
class WholeParse implements PartialParse {
  parsedPos = 0;
  stoppedAt: number | null = null;
  constructor(readonly input: Input) {}
  advance(): Tree {
    this.parsedPos = this.input.length;
    return huntflowTree(this.input.read(0, this.input.length));
  }
  stopAt(pos: number): void {
    this.stoppedAt = pos;
  }
}

class HuntflowParser extends Parser {
  createParse(input: Input): PartialParse {
    return new WholeParse(input);
  }
}

export const huntflowLanguage = new Language(
  defineLanguageFacet({ commentTokens: { line: '#' } }),
  new HuntflowParser(),
  [],
  'kestrel',
);

/**
 * Colours for the tags JupyterLab's own highlight style leaves plain (entity types, variables, URIs, invalid text),
 * from the theme's CSS variables so light and dark themes both apply.
 */
const huntflowStyle = HighlightStyle.define([
  { tag: tags.typeName, color: 'var(--jp-mirror-editor-builtin-color)' },
  { tag: tags.variableName, color: 'var(--jp-mirror-editor-variable-2-color)' },
  // the same colour as JupyterLab's style gives it, so the two highlighters agree
  { tag: tags.definition(tags.variableName), color: 'var(--jp-mirror-editor-def-color)' },
  { tag: tags.url, color: 'var(--jp-mirror-editor-link-color)', textDecoration: 'underline' },
  { tag: tags.invalid, color: 'var(--jp-mirror-editor-error-color)' },
]);

/** The language with its colours and the `tok-*` class highlighter, beside the theme's highlight style. */
export function huntflow(): LanguageSupport {
  return new LanguageSupport(huntflowLanguage, [
    syntaxHighlighting(huntflowStyle),
    syntaxHighlighting(classHighlighter),
  ]);
}
