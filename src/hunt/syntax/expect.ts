/**
 * What the parser would accept at a position — collected while parsing so completion (H8) and error hints speak
 * from the same grammar the parser runs.
 */

export type Expectation =
  /** A statement start: a command keyword or `name =`. */
  | { readonly kind: 'statement' }
  /** One of these keywords (upper case). */
  | { readonly kind: 'keyword'; readonly words: readonly string[] }
  /** An existing variable. */
  | { readonly kind: 'variable' }
  /** An entity type (`process`, `network-traffic`, …). */
  | { readonly kind: 'entityType' }
  /** A FIND relation. */
  | { readonly kind: 'relation' }
  /** A GET data source URI or a variable. */
  | { readonly kind: 'source' }
  /** A file path (LOAD / SAVE). */
  | { readonly kind: 'path' }
  /** An analytics URI (APPLY). */
  | { readonly kind: 'analytics' }
  /**
   * An attribute; of the entities in `variable` when known, else of `entityType` when known (e.g. in GET's WHERE).
   */
  | { readonly kind: 'attribute'; readonly variable?: string; readonly entityType?: string }
  /** A comparison operator in WHERE. */
  | { readonly kind: 'operator' }
  /** A literal value (string, number, `t'…'`, list, `var.attr`). */
  | { readonly kind: 'value' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'number' }
  | { readonly kind: 'timeUnit' }
  | { readonly kind: 'aggregate' }
  /** A punctuation mark such as `(`, `,`, `=`, `]`. */
  | { readonly kind: 'punct'; readonly text: string };

export type ExpectationKind = Expectation['kind'];

/** Accumulates expectations at the end of the input (the only place completion asks about). */
export class ExpectationLog {
  private readonly items: Expectation[] = [];
  private readonly seen = new Set<string>();

  add(e: Expectation): void {
    const key = JSON.stringify(e);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(e);
  }

  clear(): void {
    this.items.length = 0;
    this.seen.clear();
  }

  list(): Expectation[] {
    // merge keyword sets so callers get one list of words
    const words: string[] = [];
    const rest: Expectation[] = [];
    for (const e of this.items) {
      if (e.kind === 'keyword') {
        for (const w of e.words) if (!words.includes(w)) words.push(w);
      } else rest.push(e);
    }
    return words.length > 0 ? [...rest, { kind: 'keyword', words }] : rest;
  }
}
