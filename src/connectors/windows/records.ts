/**
 * JSON values → event records: each value of a Windows events file is classified as a Windows event (any shape
 * `event.ts` and `xml.ts` read, made flat), an ECS document (winlogbeat, Elastic Agent, or any document with
 * `@timestamp`), or rejected with the reason — nothing is dropped without saying so.
 */
import {
  fromEventJson,
  fromFlat,
  isEventJson,
  isFlatEvent,
  isObj,
  windowsTime,
  type WindowsEvent,
} from './event.ts';
import { parseEventXml, XmlError } from './xml.ts';

type Obj = Record<string, unknown>;

/** One value of an events file, classified; `line`/`col` say where the value starts. */
export type EventRecord =
  | { readonly kind: 'windows'; readonly event: WindowsEvent; readonly line: number; readonly col: number }
  | { readonly kind: 'ecs'; readonly doc: Obj; readonly line: number; readonly col: number }
  | { readonly kind: 'rejected'; readonly reason: string; readonly line: number; readonly col: number };

/** True for an ECS document: `@timestamp` beside an ECS object (`event`, `host`, `winlog`, `process`, …). */
export function isEcsDocument(v: Obj): boolean {
  if (isObj(v.winlog)) return true;
  if (v['@timestamp'] === undefined) return false;
  return isObj(v.event) || isObj(v.host) || isObj(v.agent) || isObj(v.ecs) || isObj(v.process);
}

/**
 * A winlogbeat / Elastic Agent document as a flat Windows event: `winlog.event_data` fields by name, the System
 * names from `winlog.*` (and `event.code`, `event.provider`, `host.name` when `winlog` lacks them).
 */
export function fromWinlogbeat(doc: Obj): WindowsEvent | undefined {
  const w = isObj(doc.winlog) ? doc.winlog : undefined;
  if (!w) return undefined;
  const ev = isObj(doc.event) ? doc.event : {};
  const host = isObj(doc.host) ? doc.host : {};
  const id = Number(w.event_id ?? ev.code);
  if (!Number.isInteger(id) || id < 0) return undefined;
  const out: Obj = {};
  if (isObj(w.event_data)) Object.assign(out, w.event_data);
  if (isObj(w.user_data)) Object.assign(out, w.user_data);
  const put = (k: string, v: unknown): void => {
    if (v !== undefined && v !== null && v !== '') out[k] = v;
  };
  out.EventID = id;
  put('Channel', w.channel);
  put('Provider', w.provider_name ?? ev.provider);
  put('ProviderGuid', w.provider_guid);
  put('Computer', w.computer_name ?? host.name);
  put('TimeCreated', windowsTime(doc['@timestamp']) ?? doc['@timestamp']);
  put('EventRecordID', w.record_id);
  put('Version', w.version);
  put('Task', w.task);
  put('Opcode', w.opcode);
  put('Keywords', w.keywords);
  put('ActivityID', w.activity_id);
  if (isObj(w.process)) {
    put('ExecutionProcessID', w.process.pid);
    if (isObj(w.process.thread)) put('ExecutionThreadID', w.process.thread.id);
  }
  if (isObj(w.user)) put('UserID', w.user.identifier);
  return out as WindowsEvent;
}

const where = (line: number, col: number) => ({ line, col });

/** Classifies one JSON value of an events file. */
export function classify(value: unknown, line: number, col: number): EventRecord {
  if (!isObj(value)) {
    return {
      kind: 'rejected',
      reason: `expected a JSON object (an event), found ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`,
      ...where(line, col),
    };
  }
  if (isEventJson(value)) {
    const event = fromEventJson(value);
    return event
      ? { kind: 'windows', event, ...where(line, col) }
      : { kind: 'rejected', reason: 'Event.System has no EventID', ...where(line, col) };
  }
  if (isEcsDocument(value)) return { kind: 'ecs', doc: value, ...where(line, col) };
  if (isFlatEvent(value)) {
    const event = fromFlat(value);
    if (event) return { kind: 'windows', event, ...where(line, col) };
  }
  const syslog = value.SyslogMessage;
  if (typeof syslog === 'string' && syslog.startsWith('<Event')) {
    try {
      const tree = parseEventXml(syslog);
      if (isEventJson(tree)) {
        const event = fromEventJson(tree);
        if (event) return { kind: 'windows', event, ...where(line, col) };
      }
    } catch (e) {
      if (!(e instanceof XmlError)) throw e;
      return {
        kind: 'rejected',
        reason: `SyslogMessage holds malformed event XML: ${e.message} at character ${e.offset + 1}`,
        ...where(line, col),
      };
    }
  }
  const keys = Object.keys(value).slice(0, 6);
  return {
    kind: 'rejected',
    reason: `not a Windows event or an ECS document (no EventID, Event.System, winlog or @timestamp; keys: ${keys.join(', ')}${Object.keys(value).length > 6 ? ', …' : ''})`,
    ...where(line, col),
  };
}
