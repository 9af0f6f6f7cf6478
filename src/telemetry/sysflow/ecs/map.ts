/**
 * Loading the SysFlow → ECS map and compiling it, once, into one document builder per record kind: a tree of
 * closures over the readers of `sources.ts` whose key order is the order fields first appear in the map. The hot path
 * (`toEcs`, every exported event) only calls closures; nothing is looked up by name per event.
 *
 * Per-process blocks are cached per process record (and node) and shared between documents, so documents are
 * read-only; a block that the map extends in place (`process` gets `thread` and `parent`) is copied first.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseJsonData } from '../../../common/index.ts';
import { MappingError } from '../../../errors/index.ts';
import { EVENT_KINDS, type EventRecord, type Process } from '../records/index.ts';
import { SysFlowEcsMapSchema, type SysFlowEcsMap } from './schema.ts';
import {
  EVENT_SOURCES,
  PREDICATES,
  PROCESS_SOURCES,
  SUBJECTS,
  type EcsContext,
  type ProcessSubject,
} from './sources.ts';

/** Path of the built-in map. */
export const SYSFLOW_ECS_MAP_PATH = fileURLToPath(new URL('./data/sysflow-ecs.json', import.meta.url));

/** Parses and validates a SysFlow → ECS map; every problem is reported with its JSON path. */
export function parseSysFlowEcsMap(text: string, origin: string): SysFlowEcsMap {
  return parseJsonData(text, origin, SysFlowEcsMapSchema, {
    what: 'SysFlow → ECS map',
    code: 'E_MAP',
    schemaPath: 'src/telemetry/sysflow/ecs/schema.ts',
  });
}

/**
 * Every ECS field the map writes (blocks expanded: `process.parent.user.id`), in map order, each once, with the
 * reader that fills it (`{const}` values and `{object: true}` objects are not readers).
 */
export function mapFields(map: SysFlowEcsMap): { readonly field: string; readonly reader?: string }[] {
  const out = new Map<string, string | undefined>();
  const block = (name: string, prefix: string): void => {
    const b = map.blocks[name]!;
    if (b.extends) block(b.extends, prefix);
    for (const [path, spec] of Object.entries(b.fields)) {
      if (typeof spec === 'string') out.set(`${prefix}${path}`, spec);
      else block(spec.block, `${prefix}${path}.`);
    }
  };
  for (const g of map.groups) {
    for (const [path, spec] of Object.entries(g.fields)) {
      if (typeof spec === 'string') out.set(path, spec);
      else if ('const' in spec) out.set(path, undefined);
      else if ('block' in spec) block(spec.block, `${path}.`);
    }
  }
  return [...out].map(([field, reader]) => ({ field, ...(reader ? { reader } : {}) }));
}

type EventKind = EventRecord['kind'];
type Reader<C> = (c: C) => unknown;

/** One ECS path of a document being compiled: a value, a block to start from, children in order. */
interface Slot<C> {
  readonly path: string;
  value?: Reader<C>;
  base?: Reader<C>;
  keepEmpty?: boolean;
  readonly children: Map<string, Slot<C>>;
}

function slotAt<C>(root: Slot<C>, path: string, origin: string): Slot<C> {
  let slot = root;
  for (const key of path.split('.')) {
    let next = slot.children.get(key);
    if (!next) {
      next = { path: slot.path ? `${slot.path}.${key}` : key, children: new Map() };
      slot.children.set(key, next);
    }
    if (slot.value) throw invalid(origin, `${slot.path} has a value and also fields below it (${path})`);
    slot = next;
  }
  return slot;
}

function invalid(origin: string, message: string): MappingError {
  return new MappingError('E_MAP_INVALID', `SysFlow → ECS map ${origin} is invalid: ${message}`, {
    hint: 'see src/telemetry/sysflow/ecs/schema.ts for the format',
  });
}

/**
 * The function building the object of `slot` (undefined when nothing in it has a value, unless kept empty). It is
 * generated once per record kind and block: one statement per field with the field's name written out, so each
 * property store is a site of its own for V8 (a loop storing `out[key]` for every key runs several times slower).
 * Names come from the validated map (ECS names, `[@a-z0-9_.]`) and are written as JSON strings; the readers are
 * passed in, never written into the code.
 */
function compileSlot<C>(slot: Slot<C>, origin: string): Reader<C> {
  if (slot.value) {
    if (slot.children.size > 0) throw invalid(origin, `${slot.path} has a value and also fields below it`);
    return slot.value;
  }
  const readers: Reader<C>[] = [];
  let objects = 0;
  const lines: string[] = [];
  /** Emits the code computing `slot` into a fresh variable; returns its name. */
  const emit = (s: Slot<C>): string => {
    if (s.value) {
      if (s.children.size > 0) throw invalid(origin, `${s.path} has a value and also fields below it`);
      readers.push(s.value);
      const v = `v${objects++}`;
      lines.push(`const ${v} = r${readers.length - 1}(c);`);
      return v;
    }
    if (s.base && s.children.size === 0) {
      readers.push(s.base);
      const v = `v${objects++}`;
      lines.push(`const ${v} = r${readers.length - 1}(c);`);
      return v;
    }
    const o = `v${objects++}`;
    if (s.base) {
      readers.push(s.base);
      lines.push(
        `const b${o} = r${readers.length - 1}(c);`,
        `let ${o} = b${o} === undefined ? undefined : { ...b${o} };`,
      );
    } else lines.push(`let ${o};`);
    for (const [key, child] of s.children) {
      const v = emit(child);
      lines.push(`if (${v} !== undefined) (${o} ??= {})[${JSON.stringify(key)}] = ${v};`);
    }
    if (s.keepEmpty) lines.push(`${o} ??= {};`);
    return o;
  };
  const result = emit(slot);
  const body =
    readers.map((_, i) => `const r${i} = R[${i}];`).join('\n') +
    `\nreturn function build(c) {\n${lines.join('\n')}\nreturn ${result};\n};`;
  return new Function('R', body)(readers) as Reader<C>;
}

/** The blocks of the map as readers of a process, each cached per process record and node. */
function compileBlocks(map: SysFlowEcsMap, origin: string): Map<string, Reader<ProcessSubject | undefined>> {
  const compiled = new Map<string, Reader<ProcessSubject | undefined>>();
  const fieldsOf = (name: string): [string, (typeof map.blocks)[string]['fields'][string]][] => {
    const b = map.blocks[name]!;
    return [...(b.extends ? fieldsOf(b.extends) : []), ...Object.entries(b.fields)];
  };
  const blockReader = (name: string): Reader<ProcessSubject | undefined> => {
    const done = compiled.get(name);
    if (done) return done;
    const root: Slot<ProcessSubject> = { path: '', children: new Map() };
    for (const [path, spec] of fieldsOf(name)) {
      const slot = slotAt(root, path, origin);
      if (slot.value) throw invalid(origin, `block ${name} writes ${path} twice`);
      if (typeof spec === 'string') slot.value = PROCESS_SOURCES[spec];
      else {
        const nested = blockReader(spec.block);
        slot.value = (s) => nested(s);
      }
    }
    const build = compileSlot(root, origin);
    const cache = new WeakMap<Process, { node: string; value: unknown }>();
    const reader: Reader<ProcessSubject | undefined> = (s) => {
      if (!s) return undefined;
      if (!s.process) return build(s);
      const hit = cache.get(s.process);
      if (hit && hit.node === s.node) return hit.value;
      const value = build(s);
      cache.set(s.process, { node: s.node, value });
      return value;
    };
    compiled.set(name, reader);
    return reader;
  };
  for (const name of Object.keys(map.blocks)) blockReader(name);
  return compiled;
}

/** The document builder of each record kind. */
export type DocumentBuilders = { readonly [K in EventKind]: (c: EcsContext) => Record<string, unknown> };

/** Compiles a validated map into one document builder per record kind. */
export function compileSysFlowEcsMap(map: SysFlowEcsMap, origin: string): DocumentBuilders {
  const blocks = compileBlocks(map, origin);
  const out: Partial<Record<EventKind, (c: EcsContext) => Record<string, unknown>>> = {};
  for (const kind of EVENT_KINDS) {
    const root: Slot<EcsContext> = { path: '', children: new Map() };
    for (const g of map.groups) {
      if (g.kinds && !g.kinds.includes(kind)) continue;
      if (g.except?.includes(kind)) continue;
      const when = g.when ? PREDICATES[g.when] : undefined;
      for (const [path, spec] of Object.entries(g.fields)) {
        const slot = slotAt(root, path, origin);
        if (slot.value || slot.base || slot.keepEmpty)
          throw invalid(origin, `${path} is written twice for ${kind}`);
        let read: Reader<EcsContext> | undefined;
        if (typeof spec === 'string') read = EVENT_SOURCES[spec];
        else if ('const' in spec) {
          const v = spec.const;
          read = () => v;
        } else if ('object' in spec) slot.keepEmpty = true;
        else {
          const block = blocks.get(spec.block)!;
          const subject = SUBJECTS[spec.of];
          // fields below a block placed here extend a copy of it (compileSlot); alone, it is shared
          slot.base = when ? (c) => (when(c) ? block(subject(c)) : undefined) : (c) => block(subject(c));
        }
        if (read) slot.value = when ? (c) => (when(c) ? read(c) : undefined) : read;
      }
    }
    const build = compileSlot(root, origin);
    out[kind] = (c) => (build(c) as Record<string, unknown> | undefined) ?? {};
  }
  return out as DocumentBuilders;
}

let builtin: DocumentBuilders | undefined;

/** The document builders of the built-in map (loaded, validated and compiled on first use). */
export function sysflowEcsBuilders(): DocumentBuilders {
  builtin ??= compileSysFlowEcsMap(
    parseSysFlowEcsMap(readFileSync(SYSFLOW_ECS_MAP_PATH, 'utf8'), SYSFLOW_ECS_MAP_PATH),
    SYSFLOW_ECS_MAP_PATH,
  );
  return builtin;
}
