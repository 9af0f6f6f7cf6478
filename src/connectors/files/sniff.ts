/**
 * What an entry holds, from its first bytes: a zip archive, an EVTX log, JSON Windows/ECS events (JSON lines or
 * values), any other JSON — a STIX bundle, whose reader says precisely what is wrong when it is not one — or
 * something else (`other`: not JSON at all).
 * Windows and ECS events are recognised by their keys: `EventID`, `Event` (`Event.System`), `EventData`,
 * `SyslogMessage`, `winlog`, `@timestamp` — names no STIX object uses.
 */
import { isZip } from './zip.ts';

export type ContentKind = 'zip' | 'evtx' | 'events' | 'stix' | 'other';

const EVENT_KEYS = /"(EventID|Event|EventData|SyslogMessage|winlog|@timestamp)"\s*:/;

/** The kind of content that starts with `head`. */
export function sniff(head: Buffer): ContentKind {
  if (isZip(head)) return 'zip';
  if (head.subarray(0, 8).toString('latin1') === 'ElfFile\0') return 'evtx';
  const text = head[0] === 0xff && head[1] === 0xfe ? head.toString('utf16le') : head.toString('utf8');
  if (EVENT_KEYS.test(text)) return 'events';
  return /^\uFEFF?\s*[[{]/.test(text) ? 'stix' : 'other';
}
