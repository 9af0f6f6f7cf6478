/**
 * Which list and macro definitions a rule sees under sf-processor 0.7.0, which compiles each rule as soon as it has
 * read it, file after file:
 *
 * - before a file's rules are compiled, every list and macro of that file is registered (the last definition of a
 *   name wins); then the file is read in order, and each definition it meets replaces the registered one — so a rule
 *   sees, for a name its own file defines, the nearest definition above it, or the file's last one when all are below;
 * - names from earlier files stay visible; a later file's definitions are invisible to earlier files' rules (their
 *   macro references are false, their list names literal text);
 * - `append: true` is not honoured: a later macro of the same name replaces the earlier one;
 * - macros are expanded when the rule is compiled, so a macro's own references resolve in the rule's scope.
 *
 * The result maps each rule and filter to a {@link Catalog} holding exactly the definitions it sees (one per name);
 * consecutive rules with nothing defined between them share one catalog.
 */
import type { Atom, Decl, FilterDecl, ListDecl, MacroDecl, PolicyFile, RuleDecl } from '../ast.ts';
import type { Catalog, Located } from '../catalog.ts';

export function sfProcessorScopes(files: readonly PolicyFile[]): ReadonlyMap<Decl, Catalog> {
  const lists = new Map<string, readonly Located<ListDecl>[]>();
  const macros = new Map<string, readonly Located<MacroDecl>[]>();
  const rules: Located<RuleDecl>[] = [];
  const filters: Located<FilterDecl>[] = [];
  for (const f of files) {
    for (const d of f.decls) {
      if (d.kind === 'rule') rules.push({ decl: d, source: f.source });
      if (d.kind === 'filter') filters.push({ decl: d, source: f.source });
    }
  }
  const out = new Map<Decl, Catalog>();
  let snapshot: Catalog | undefined;
  const define = (d: Decl, source: string): void => {
    if (d.kind === 'list') lists.set(d.name, [{ decl: d, source }]);
    else if (d.kind === 'macro') macros.set(d.name, [{ decl: d, source }]);
    else return;
    snapshot = undefined;
  };
  for (const f of files) {
    for (const d of f.decls) define(d, f.source);
    for (const d of f.decls) {
      define(d, f.source);
      if (d.kind === 'rule' || d.kind === 'filter') {
        snapshot ??= { files, lists: new Map(lists), macros: new Map(macros), rules, filters };
        out.set(d, snapshot);
      }
    }
  }
  return out;
}

/**
 * The values of `A in (…)` / `A pmatch (…)` items as sf-processor expands them in a rule's scope: an item naming a
 * visible list is replaced by that list's items, recursively — an item inside a list declaration names a list even
 * when it is quoted; a list declared empty (`items: []`) contributes one empty item; items written inside `[…]`
 * within the parentheses are not read at all. (sf-processor has no guard against a list containing itself; here
 * the repeated name is kept as text.)
 */
export function sfProcessorItems(scope: Catalog, items: readonly Atom[]): string[] {
  const out: string[] = [];
  const open = new Set<string>();
  const reduce = (name: string): void => {
    const defs = scope.lists.get(name)!;
    const decl = defs[defs.length - 1].decl;
    open.add(name);
    if (decl.items.length === 0) out.push('');
    for (const it of decl.items) {
      if (scope.lists.has(it.text) && !open.has(it.text)) reduce(it.text);
      else out.push(it.text);
    }
    open.delete(name);
  };
  for (const a of items) {
    if (a.bracketed) continue;
    if (!a.quoted && scope.lists.has(a.text)) reduce(a.text);
    else out.push(a.text);
  }
  return out;
}
