/**
 * One Windows event as a flat record — the form every reader of this folder yields, whatever shape the event came
 * in: the System part under fixed names ({@link SYSTEM_FIELDS}) and the EventData (or UserData) fields under their
 * own names, values as the source wrote them (Sysmon's `"ProcessId": "4824"` stays a string; a converter's
 * `4824` stays a number). This is also the field vocabulary of Sigma rules for Windows.
 *
 * Shapes understood:
 * - `Event.System` / `Event.EventData` JSON (EVTX-to-JSON converters, SigmaHQ's regression events);
 * - OTRF Security-Datasets' flat JSON (nxlog/logstash exports: `SourceName`, `Hostname`, `EventID` beside the event
 *   data fields) and Azure Sentinel `WindowsEvent` rows (`EventData` as a JSON string);
 * - Event XML (`<Event><System>…`, e.g. Linux-Sysmon records inside a syslog message), see `xml.ts`.
 */

/** The System names of a flat record. `EventID` is always present; the others when the source has them. */
export const SYSTEM_FIELDS = [
  'EventID',
  'Channel',
  'Provider',
  'ProviderGuid',
  'Computer',
  'TimeCreated',
  'EventRecordID',
  'Version',
  'Level',
  'Task',
  'Opcode',
  'Keywords',
  'ActivityID',
  'RelatedActivityID',
  'ExecutionProcessID',
  'ExecutionThreadID',
  'UserID',
] as const;

/**
 * A Windows event as a flat record. `TimeCreated` is an RFC 3339 timestamp when the source gave a time (a time
 * without a zone is taken as UTC); `EventID` is a number.
 */
export interface WindowsEvent {
  readonly EventID: number;
  readonly Channel?: string;
  readonly Provider?: string;
  readonly Computer?: string;
  readonly TimeCreated?: string;
  readonly [field: string]: unknown;
}

type Obj = Record<string, unknown>;

/** A plain JSON object (not null, not an array). */
export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `#attributes` of an EVTX-JSON element, or {}. */
function attrs(v: unknown): Obj {
  return isObj(v) && isObj(v['#attributes']) ? v['#attributes'] : {};
}

/** The text of an EVTX-JSON element: itself when scalar, its `#text` when an object. */
function text(v: unknown): unknown {
  return isObj(v) ? v['#text'] : v;
}

/** An event id as a number (`4688`, `"4688"`, `{"#text": 4688, "#attributes": {"Qualifiers": …}}`). */
export function eventIdOf(v: unknown): number | undefined {
  const t = text(v);
  const n = typeof t === 'number' ? t : typeof t === 'string' && /^\s*\d+\s*$/.test(t) ? Number(t) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * A Windows time as RFC 3339: `2020-10-18 23:50:05.910` → `2020-10-18T23:50:05.910Z` (no zone = UTC), 7-digit
 * fractions (.NET's) cut to 6 digits, an offset kept. Undefined when `v` is not a date-time.
 */
export function windowsTime(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    v.trim(),
  );
  if (!m) return undefined;
  const [, date, clock, frac, zone] = m;
  const time = clock.length === 5 ? `${clock}:00` : clock;
  const f = frac ? '.' + frac.slice(0, 6) : '';
  const z =
    !zone || zone.toUpperCase() === 'Z'
      ? 'Z'
      : zone.includes(':')
        ? zone
        : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return `${date}T${time}${f}${z}`;
}

/** True when `v` is an `{"Event": {"System": …}}` document. */
export function isEventJson(v: unknown): v is { Event: Obj } {
  return isObj(v) && isObj(v.Event) && isObj(v.Event.System);
}

/** Copies the fields of an EventData/UserData element into `out` (named `Data` elements, plain members). */
function copyData(data: unknown, out: Obj): void {
  if (!isObj(data)) return;
  for (const [k, v] of Object.entries(data)) {
    if (k === '#attributes' || k === 'xmlns') continue;
    if (k === 'Data' && Array.isArray(v)) {
      // [{"#attributes": {"Name": "x"}, "#text": "…"}, …] or unnamed values
      const unnamed: unknown[] = [];
      for (const d of v) {
        const name = attrs(d).Name;
        if (typeof name === 'string') out[name] = text(d) ?? '';
        else unnamed.push(text(d));
      }
      if (unnamed.length) out.Data = unnamed.length === 1 ? unnamed[0] : unnamed;
      continue;
    }
    if (k === 'Data' && isObj(v)) {
      const name = attrs(v).Name;
      if (typeof name === 'string') out[name] = text(v) ?? '';
      else if (v['#text'] !== undefined) out.Data = v['#text'];
      continue;
    }
    out[k] = isObj(v) && v['#text'] !== undefined && Object.keys(v).length <= 2 ? v['#text'] : v;
  }
}

/** An `Event.System` / `Event.EventData` document as a flat record; undefined when it has no usable EventID. */
export function fromEventJson(doc: { Event: Obj }): WindowsEvent | undefined {
  const sys = doc.Event.System as Obj;
  const id = eventIdOf(sys.EventID);
  if (id === undefined) return undefined;
  const out: Obj = {};
  copyData(doc.Event.EventData, out);
  const user = doc.Event.UserData;
  if (isObj(user)) {
    // UserData holds one element named after the event (e.g. LogFileCleared) whose children are the fields
    for (const [k, v] of Object.entries(user))
      if (k !== '#attributes') copyData(isObj(v) ? v : { [k]: v }, out);
  }
  const provider = attrs(sys.Provider);
  const put = (name: string, v: unknown): void => {
    if (v !== undefined && v !== null && v !== '') out[name] = v;
  };
  out.EventID = id;
  put('Channel', text(sys.Channel));
  put('Provider', provider.Name ?? provider.EventSourceName);
  put('ProviderGuid', provider.Guid);
  put('Computer', text(sys.Computer));
  put('TimeCreated', windowsTime(attrs(sys.TimeCreated).SystemTime) ?? attrs(sys.TimeCreated).SystemTime);
  put('EventRecordID', text(sys.EventRecordID));
  put('Version', text(sys.Version));
  put('Level', text(sys.Level));
  put('Task', text(sys.Task));
  put('Opcode', text(sys.Opcode));
  put('Keywords', text(sys.Keywords));
  put('ActivityID', attrs(sys.Correlation).ActivityID);
  put('RelatedActivityID', attrs(sys.Correlation).RelatedActivityID);
  put('ExecutionProcessID', attrs(sys.Execution).ProcessID);
  put('ExecutionThreadID', attrs(sys.Execution).ThreadID);
  put('UserID', attrs(sys.Security).UserID ?? attrs(sys.Security).UserId);
  return out as WindowsEvent;
}

/** OTRF / nxlog names of System fields → the flat record's names. */
const FLAT_RENAMES: Readonly<Record<string, string>> = {
  SourceName: 'Provider',
  Hostname: 'Computer',
  RecordNumber: 'EventRecordID',
  ThreadID: 'ExecutionThreadID',
};

/** Where a flat export keeps the event's time, best first. */
const FLAT_TIMES = ['TimeCreated', '@timestamp', 'EventTime', 'TimeGenerated'];

/** True when `v` looks like a flat Windows event (an `EventID` beside its fields). */
export function isFlatEvent(v: unknown): v is Obj {
  return isObj(v) && eventIdOf(v.EventID) !== undefined && !isObj(v.Event);
}

/**
 * A flat export (OTRF Security-Datasets, Sentinel `WindowsEvent`) as a flat record: System names renamed
 * ({@link FLAT_RENAMES}), an `EventData` JSON string or object spread into fields, `TimeCreated` normalised. Every
 * other member is kept under its name.
 */
export function fromFlat(row: Obj): WindowsEvent | undefined {
  const id = eventIdOf(row.EventID);
  if (id === undefined) return undefined;
  const out: Obj = {};
  for (const k in row) {
    const v = row[k];
    if (k === 'EventData') {
      let data: unknown = v;
      if (typeof v === 'string' && v.startsWith('{')) {
        try {
          data = JSON.parse(v);
        } catch {
          data = v;
        }
      }
      if (isObj(data)) copyData(data, out);
      else out.EventData = v;
      continue;
    }
    out[FLAT_RENAMES[k] ?? k] = v;
  }
  out.EventID = id;
  let time: string | undefined;
  for (let i = 0; time === undefined && i < FLAT_TIMES.length; i++) time = windowsTime(row[FLAT_TIMES[i]]);
  if (time !== undefined) out.TimeCreated = time;
  else delete out.TimeCreated;
  return out as WindowsEvent;
}
