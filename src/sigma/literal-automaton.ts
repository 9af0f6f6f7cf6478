/**
 * Many literals searched in one pass over a value: an Aho-Corasick automaton whose transitions on ASCII characters
 * are a full table (every state × every ASCII character that occurs in a literal: one lookup per character, however
 * many literals), while the rare non-ASCII characters of literals (homoglyph lists, Unicode dashes) follow the
 * failure links of a sparse trie — a full table over them would hold thousands of columns. A character that occurs
 * in no literal sends the automaton back to its root. Built once per indexed field of a rule set.
 */

const ROOT_ONLY = 0;
const RARE = 1;

export class LiteralAutomaton {
  /** Character code → class: 0 in no literal, 1 non-ASCII (sparse), ≥ 2 a column of the table. */
  private readonly classOf: Uint8Array;
  private readonly classes: number;
  /** `next[state * classes + class]` for the table's classes. */
  private readonly next: Int32Array;
  private readonly fail: Int32Array;
  /** Trie edges on non-ASCII characters: state → character code → state. */
  private readonly rare: Map<number, Map<number, number>>;
  /** Literal ids that end at each state (its own and those of its failure chain), or undefined. */
  private readonly out: (readonly number[] | undefined)[];

  /** `literals[i]` gets id `i`, none empty; they are matched as given (lower-case them for case-insensitive search). */
  constructor(literals: readonly string[]) {
    const classOf = new Uint8Array(65536);
    let classes = 2;
    for (const lit of literals)
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        if (classOf[c] === ROOT_ONLY) classOf[c] = c < 128 ? classes++ : RARE;
      }
    // the trie, edges keyed by character code
    const children: Map<number, number>[] = [new Map()];
    const ends: number[][] = [[]];
    literals.forEach((lit, id) => {
      let s = 0;
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        let t = children[s].get(c);
        if (t === undefined) {
          t = children.length;
          children.push(new Map());
          ends.push([]);
          children[s].set(c, t);
        }
        s = t;
      }
      ends[s].push(id);
    });
    const columns: number[] = [];
    for (let c = 0; c < 128; c++) if (classOf[c] >= 2) columns[classOf[c]] = c;
    // breadth-first: failure links, outputs, and the table
    const n = children.length;
    const next = new Int32Array(n * classes);
    const fail = new Int32Array(n);
    const rare = new Map<number, Map<number, number>>();
    const out: (number[] | undefined)[] = new Array(n);
    const queue: number[] = [0];
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi];
      const merged = s === 0 ? ends[0] : [...ends[s], ...(out[fail[s]] ?? [])];
      out[s] = merged.length ? merged : undefined;
      for (const [c, t] of children[s]) {
        fail[t] = s === 0 ? 0 : this.step(next, classes, fail, rare, classOf, fail[s], c);
        queue.push(t);
        if (c >= 128) {
          let m = rare.get(s);
          if (!m) rare.set(s, (m = new Map()));
          m.set(c, t);
        }
      }
      for (let k = 2; k < classes; k++) {
        const t = children[s].get(columns[k]);
        next[s * classes + k] = t !== undefined ? t : s === 0 ? 0 : next[fail[s] * classes + k];
      }
    }
    this.classOf = classOf;
    this.classes = classes;
    this.next = next;
    this.fail = fail;
    this.rare = rare;
    this.out = out;
  }

  /** The state after reading character `c` in state `s` (tables filled for every state before `s` in BFS order). */
  private step(
    next: Int32Array,
    classes: number,
    fail: Int32Array,
    rare: Map<number, Map<number, number>>,
    classOf: Uint8Array,
    s: number,
    c: number,
  ): number {
    const k = classOf[c];
    if (k === ROOT_ONLY) return 0;
    if (k !== RARE) return next[s * classes + k];
    for (let t = s; ; t = fail[t]) {
      const x = rare.get(t)?.get(c);
      if (x !== undefined) return x;
      if (t === 0) return 0;
    }
  }

  /** Calls `hit(id)` for every literal occurring in `s` (an id may be reported more than once). */
  scan(s: string, hit: (id: number) => void): void {
    let state = 0;
    for (let i = 0; i < s.length; i++) {
      state = this.step(this.next, this.classes, this.fail, this.rare, this.classOf, state, s.charCodeAt(i));
      const o = this.out[state];
      if (o !== undefined) for (let j = 0; j < o.length; j++) hit(o[j]);
    }
  }

  /**
   * The hot path of the rule index, without a callback: pushes onto `found` every literal id occurring in `s` that
   * is not yet stamped with `gen` (and stamps it). Ids are offset by `base` in `stamp` and `found`.
   */
  collect(s: string, base: number, stamp: Int32Array, gen: number, found: number[]): void {
    const { classOf, classes, next, out } = this;
    let state = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const k = classOf[c];
      state =
        k > RARE
          ? next[state * classes + k]
          : k === ROOT_ONLY
            ? 0
            : this.step(next, classes, this.fail, this.rare, classOf, state, c);
      const o = out[state];
      if (o === undefined) continue;
      for (let j = 0; j < o.length; j++) {
        const id = base + o[j];
        if (stamp[id] !== gen) {
          stamp[id] = gen;
          found.push(id);
        }
      }
    }
  }

  /** Entries of the transition table (for the bench's memory note). */
  get size(): number {
    return this.next.length;
  }
}
