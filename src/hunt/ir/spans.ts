/** Finding the part of a statement an error is about, from the spans the IR keeps (see `IrStatement.focus`). */
import type { IrStatement, Span } from './types.ts';

/** Where variable `name` is written in statement `s`; the statement's span when the IR does not say. */
export function varSpan(s: IrStatement, name: string): Span {
  return s.varSpans?.find((v) => v.name === name)?.span ?? s.span;
}

/**
 * The span an error raised below the language (a missing bundle, an unknown connector, a file LOAD cannot read)
 * should point at: the one URI of a multi-source GET the error names, else the statement's focus, else the whole
 * statement. `about` is the error's text (message and hint), searched for the URI (or the path of a file: URI).
 */
export function focusSpan(s: IrStatement, about = ''): Span {
  if (s.kind === 'Get' && s.source.kind === 'Uris' && s.source.spans && s.source.uris.length > 1) {
    const hits = s.source.uris
      .map((u, i) => ({ u, span: s.source.kind === 'Uris' ? s.source.spans?.[i] : undefined }))
      .filter(({ u }) => about.includes(u) || about.includes(u.replace(/^file:\/\//i, '')));
    if (hits.length === 1 && hits[0]!.span) return hits[0]!.span;
  }
  return s.focus ?? s.span;
}
