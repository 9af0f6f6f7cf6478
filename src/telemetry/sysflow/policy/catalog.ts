/**
 * The namespace of a set of policy files: lists and macros by name (one namespace across all files, order-free, as
 * sf-processor's pre-pass builds it; a later definition replaces an earlier one unless it says `append: true`),
 * and the rules and drop filters in file order.
 */
import type { Atom, FilterDecl, ListDecl, MacroDecl, PolicyFile, RuleDecl } from './ast.ts';

export interface Located<T> {
  readonly decl: T;
  readonly source: string;
}

export interface Catalog {
  readonly files: readonly PolicyFile[];
  /** All definitions of each list in load order (appends included). */
  readonly lists: ReadonlyMap<string, readonly Located<ListDecl>[]>;
  readonly macros: ReadonlyMap<string, readonly Located<MacroDecl>[]>;
  readonly rules: readonly Located<RuleDecl>[];
  readonly filters: readonly Located<FilterDecl>[];
}

export function buildCatalog(files: readonly PolicyFile[]): Catalog {
  const lists = new Map<string, Located<ListDecl>[]>();
  const macros = new Map<string, Located<MacroDecl>[]>();
  const rules: Located<RuleDecl>[] = [];
  const filters: Located<FilterDecl>[] = [];
  for (const f of files) {
    for (const d of f.decls) {
      const source = f.source;
      switch (d.kind) {
        case 'list':
          lists.set(d.name, d.append ? [...(lists.get(d.name) ?? []), { decl: d, source }] : [{ decl: d, source }]);
          break;
        case 'macro':
          macros.set(d.name, d.append ? [...(macros.get(d.name) ?? []), { decl: d, source }] : [{ decl: d, source }]);
          break;
        case 'rule':
          rules.push({ decl: d, source });
          break;
        case 'filter':
          filters.push({ decl: d, source });
          break;
      }
    }
  }
  return { files, lists, macros, rules, filters };
}

/**
 * The values of a list's items with nested list names expanded (recursively, cycles cut), bounding quotes removed.
 * `missing` collects bare item names that look like list references but name no list.
 */
export function expandItems(catalog: Catalog, items: readonly Atom[], seen: Set<string> = new Set()): string[] {
  const out: string[] = [];
  for (const a of items) {
    const defs = !a.quoted ? catalog.lists.get(a.text) : undefined;
    if (defs && !seen.has(a.text)) {
      seen.add(a.text);
      // a loop, not push(...): a list of 200k items would overflow the call stack as spread arguments
      for (const d of defs) for (const v of expandItems(catalog, d.decl.items, seen)) out.push(v);
      seen.delete(a.text);
    } else {
      out.push(a.text);
    }
  }
  return out;
}
