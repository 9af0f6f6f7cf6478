/**
 * Windows event → ECS document, by the map (`data/windows-ecs.json`), compiled once into per-event closures: the hot
 * path of reading OTRF files into the hunt cache and of `peregrine ingest`. The map's source and event entries are
 * looked up by Provider (else Channel) and EventID; every non-System field of the event is also copied under
 * `common.eventData` (`winlog.event_data`), so an event no entry describes keeps all it had and stays searchable.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseJsonData } from '../../../common/index.ts';
import { SYSTEM_FIELDS, type WindowsEvent } from '../event.ts';
import { WindowsEcsMapSchema, type EventSpec, type FieldSpec, type WindowsEcsMap } from './schema.ts';
import { MULTI_ARGUMENT, TRANSFORMS } from './transforms.ts';

type Doc = Record<string, unknown>;

/** Path of the built-in map. */
export const WINDOWS_ECS_MAP_PATH = fileURLToPath(new URL('./data/windows-ecs.json', import.meta.url));

/** Parses and validates a Windows → ECS map; every problem is reported with its JSON path. */
export function parseWindowsEcsMap(text: string, origin: string): WindowsEcsMap {
  return parseJsonData(text, origin, WindowsEcsMapSchema, {
    what: 'Windows → ECS map',
    code: 'E_MAP',
    schemaPath: 'src/connectors/windows/ecs/schema.ts',
  });
}

let builtin: WindowsEcsMap | undefined;

/** The built-in map (validated on first use). */
export function windowsEcsMap(): WindowsEcsMap {
  builtin ??= parseWindowsEcsMap(readFileSync(WINDOWS_ECS_MAP_PATH, 'utf8'), WINDOWS_ECS_MAP_PATH);
  return builtin;
}

/** Writes one ECS field of a document being built. */
type Setter = (e: WindowsEvent, doc: Doc) => void;

const absent = (v: unknown): boolean => v === undefined || v === null || v === '' || v === '-';

function isPlainObject(v: unknown): v is Doc {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Sets `path` (split) in `doc`, merging an object value into what is there. */
function put(doc: Doc, path: readonly string[], v: unknown): void {
  let o = doc;
  for (let i = 0; i < path.length - 1; i++) {
    let next = o[path[i]];
    if (!isPlainObject(next)) {
      next = {};
      o[path[i]] = next;
    }
    o = next as Doc;
  }
  const last = path[path.length - 1];
  const prev = o[last];
  if (isPlainObject(v) && isPlainObject(prev)) Object.assign(prev, v);
  else o[last] = v;
}

function compileField(target: string, spec: FieldSpec): Setter {
  const path = target.split('.');
  if (typeof spec === 'string') {
    return (e, doc) => {
      const v = e[spec];
      if (!absent(v)) put(doc, path, v);
    };
  }
  if ('const' in spec) {
    const c = spec.const;
    return (_e, doc) => put(doc, path, Array.isArray(c) ? [...c] : c);
  }
  const from = Array.isArray(spec.from) ? spec.from : [spec.from];
  const t = spec.transform;
  if (!t) {
    return (e, doc) => {
      for (const f of from) {
        const v = e[f];
        if (!absent(v)) return put(doc, path, v);
      }
    };
  }
  const fn = TRANSFORMS[t] as (args: readonly unknown[]) => unknown;
  if (MULTI_ARGUMENT.has(t)) {
    return (e, doc) => {
      const args = from.map((f) => (absent(e[f]) ? undefined : e[f]));
      if (args[0] === undefined) return;
      const v = fn(args);
      if (v !== undefined) put(doc, path, v);
    };
  }
  return (e, doc) => {
    for (const f of from) {
      const raw = e[f];
      if (absent(raw)) continue;
      const v = fn([raw]);
      if (v !== undefined) return put(doc, path, v);
    }
  };
}

interface CompiledEvent {
  readonly setters: readonly Setter[];
  readonly module?: string;
  readonly spec?: EventSpec;
}

/** How one event was converted: its source module and whether the map describes its id. */
export interface Conversion {
  readonly doc: Doc;
  /** `sysmon`, `security`, `powershell`, or undefined for a provider the map does not know. */
  readonly module?: string;
  /** True when the map has an entry for this event id of its source. */
  readonly described: boolean;
}

export interface WindowsToEcs {
  convert(e: WindowsEvent): Conversion;
}

/** Compiles a map into a converter. */
export function compileWindowsEcs(map: WindowsEcsMap): WindowsToEcs {
  const common = Object.entries(map.common.fields).map(([k, s]) => compileField(k, s));
  const eventDataPath = map.common.eventData.split('.');
  const notData = new Set<string>([...SYSTEM_FIELDS, ...(map.common.eventDataSkip ?? [])]);
  const byProvider = new Map<string, number>();
  const byChannel = new Map<string, number>();
  map.sources.forEach((s, i) => {
    for (const p of s.providers) byProvider.set(p.toLowerCase(), i);
    for (const c of s.channels) byChannel.set(c.toLowerCase(), i);
  });
  // per source: its generic entry (unknown ids) and one per described id
  const generic: CompiledEvent[] = [];
  const described: Map<number, CompiledEvent>[] = [];
  map.sources.forEach((s, i) => {
    const fields = Object.entries(s.fields ?? {});
    const moduleSetter: Setter = (_e, doc) => put(doc, ['event', 'module'], s.module);
    generic[i] = {
      module: s.module,
      setters: [...common, moduleSetter, ...fields.map(([k, f]) => compileField(k, f))],
    };
    const ids = new Map<number, CompiledEvent>();
    for (const ev of map.events.filter((x) => x.source === s.name)) {
      const unset = new Set(ev.unset ?? []);
      const cat: Setter = (_e, doc) =>
        put(doc, ['event'], {
          action: ev.action,
          category: [...ev.category],
          type: [...ev.type],
          ...(ev.outcome ? { outcome: ev.outcome } : {}),
        });
      ids.set(ev.id, {
        module: s.module,
        spec: ev,
        setters: [
          ...common,
          moduleSetter,
          ...fields.filter(([k]) => !unset.has(k)).map(([k, f]) => compileField(k, f)),
          ...Object.entries(ev.fields ?? {}).map(([k, f]) => compileField(k, f)),
          cat,
        ],
      });
    }
    described[i] = ids;
  });
  const unknown: CompiledEvent = { setters: common };

  return {
    convert(e) {
      let si = typeof e.Provider === 'string' ? byProvider.get(e.Provider.toLowerCase()) : undefined;
      if (si === undefined && typeof e.Channel === 'string') si = byChannel.get(e.Channel.toLowerCase());
      const c = si === undefined ? unknown : (described[si].get(e.EventID) ?? generic[si]);
      const doc: Doc = {};
      for (let i = 0; i < c.setters.length; i++) c.setters[i](e, doc);
      const data: Doc = {};
      let any = false;
      for (const k in e) {
        if (notData.has(k)) continue;
        data[k] = e[k];
        any = true;
      }
      if (any) put(doc, eventDataPath, data);
      return { doc, ...(c.module ? { module: c.module } : {}), described: c.spec !== undefined };
    },
  };
}

let converter: WindowsToEcs | undefined;

/** One Windows event as an ECS document, by the built-in map. */
export function windowsToEcs(e: WindowsEvent): Conversion {
  converter ??= compileWindowsEcs(windowsEcsMap());
  return converter.convert(e);
}
