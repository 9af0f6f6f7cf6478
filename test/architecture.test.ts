/**
 * The layering of src/, checked from the table in docs/architecture.md: every import of a module goes to a stage of
 * a lower row or of its own row, and the import graph has no cycle between folders (the files directly in a folder
 * that also has sub-folders, such as src/connectors/types.ts, count as nodes of their own). A new folder must be
 * placed in the table before its first import is accepted.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');
const DOC = join(ROOT, 'docs', 'architecture.md');

/** The stages of the table, lowest first: row number and the folders (relative to src/) in it. */
function stagesFromDoc(): Map<string, number> {
  const rows = new Map<string, number>();
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf('<!-- layers -->');
  assert.ok(start >= 0, 'docs/architecture.md has no <!-- layers --> table');
  for (const line of text.slice(start).split('\n').slice(1)) {
    if (!line.startsWith('|')) {
      if (rows.size) break;
      continue;
    }
    const cells = line.split('|').map((c) => c.trim());
    const row = Number(cells[1]);
    if (!Number.isInteger(row)) continue;
    for (const m of cells[2].matchAll(/`([^`]+)`/g)) {
      const folder = m[1].replace(/\/$/, '');
      assert.ok(!rows.has(folder), `docs/architecture.md lists ${folder} twice`);
      rows.set(folder, row);
    }
  }
  return rows;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** `hunt/ir/lower.ts` → its stage `hunt/ir`: the longest folder prefix the table names. */
function stageOf(file: string, stages: Map<string, number>): string | undefined {
  const parts = file.split('/').slice(0, -1);
  for (let n = parts.length; n > 0; n--) {
    const folder = parts.slice(0, n).join('/');
    if (stages.has(folder)) return folder;
  }
  return undefined;
}

/** The node of a file in the folder graph: its stage, or the file itself when it sits in a parent of stages. */
function nodeOf(file: string, stages: Map<string, number>): string {
  const stage = stageOf(file, stages);
  if (!stage) return file;
  const hasSubStages = [...stages.keys()].some((s) => s.startsWith(`${stage}/`));
  return hasSubStages && dirname(file) === stage ? file : stage;
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly at: string;
}

function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const path of sourceFiles(SRC)) {
    const file = relative(SRC, path).split(sep).join('/');
    const info = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(path), ref.fileName)).split(sep).join('/');
      if (target.startsWith('..')) continue;
      edges.push({ from: file, to: target, at: `src/${file} imports ${ref.fileName}` });
    }
  }
  return edges;
}

test('every folder of src/ has its row in docs/architecture.md', () => {
  const stages = stagesFromDoc();
  const unplaced = new Set<string>();
  for (const path of sourceFiles(SRC)) {
    const file = relative(SRC, path).split(sep).join('/');
    if (!stageOf(file, stages)) unplaced.add(dirname(file));
  }
  assert.deepEqual([...unplaced].sort(), [], 'add these folders to the layers table of docs/architecture.md');
  for (const folder of stages.keys()) {
    let exists = false;
    try {
      exists = statSync(join(SRC, folder)).isDirectory();
    } catch {
      exists = false;
    }
    assert.ok(exists, `docs/architecture.md names src/${folder}, which does not exist`);
  }
});

test('no module imports a stage of a higher row', () => {
  const stages = stagesFromDoc();
  const upward: string[] = [];
  for (const e of importEdges()) {
    const from = stageOf(e.from, stages);
    const to = stageOf(e.to, stages);
    if (!from || !to) continue;
    const a = stages.get(from)!;
    const b = stages.get(to)!;
    if (b > a) upward.push(`${e.at}: ${from} (row ${a}) → ${to} (row ${b})`);
  }
  assert.deepEqual(upward, []);
});

test('the folder graph has no cycle', () => {
  const stages = stagesFromDoc();
  const graph = new Map<string, Map<string, string>>();
  for (const e of importEdges()) {
    const a = nodeOf(e.from, stages);
    const b = nodeOf(e.to, stages);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Map());
    if (!graph.get(a)!.has(b)) graph.get(a)!.set(b, e.at);
  }
  // iterative depth-first search; a back edge closes a cycle, reported with the imports along it
  const state = new Map<string, 1 | 2>();
  const cycles: string[] = [];
  for (const start of graph.keys()) {
    if (state.has(start)) continue;
    const stack: { node: string; next: Iterator<[string, string]> }[] = [];
    const path: string[] = [];
    const enter = (node: string) => {
      state.set(node, 1);
      path.push(node);
      stack.push({ node, next: (graph.get(node) ?? new Map<string, string>()).entries() });
    };
    enter(start);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const step = top.next.next();
      if (step.done) {
        state.set(top.node, 2);
        stack.pop();
        path.pop();
        continue;
      }
      const [to] = step.value;
      if (state.get(to) === 1) {
        const loop = [...path.slice(path.indexOf(to)), to];
        cycles.push(
          loop
            .slice(0, -1)
            .map((n, i) => graph.get(n)!.get(loop[i + 1])!)
            .join('; '),
        );
      } else if (!state.has(to)) enter(to);
    }
  }
  assert.deepEqual(cycles, []);
});
