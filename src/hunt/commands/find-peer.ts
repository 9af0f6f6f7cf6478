/**
 * FIND … PEER OF: the cross-host pivot. The network-traffic entities of the input (seen on one host) are read from
 * the cache; for each, the other host's source is asked — in one query per source (batches of {@link BATCH} flows)
 * — for its record of the same connection: the 5-tuple as recorded or with its sides swapped as the peer sees it
 * (SysFlow keeps client → server on both hosts; sources that record local → remote swap it), the protocol, and a
 * START/STOP window of ± `within` around that flow's own time (per flow, pushed down with the pattern). With NAT,
 * only the peer's endpoint (the input flow's destination, on either side of the peer's record) and the protocol are
 * matched. The result is the peer's network-traffic, or — as `FIND process CREATED` from it, one hop of FIND
 * (`findHop`) with the peer's source — the peer's processes that opened or accepted it, with all their records.
 */
import type { Observation } from '../../stix/observation.ts';
import type { ComparisonExpr, Literal, ObservationExpr, Pattern, PathStep } from '../../stix/ast.ts';
import { recordRows, releaseVariable, unionRecords } from '../../store/cache/index.ts';
import { varSpan } from '../ir/spans.ts';
import type { IrFind, IrFindPeer } from '../ir/types.ts';
import { explainLines, planGetFromSource, type TimeWindow } from '../plan/index.ts';
import {
  recordsVariable,
  requireRecords,
  variable,
  type CommandContext,
  type CommandResult,
} from './context.ts';
import { findHop } from './find.ts';
import { resolvePattern } from './resolve.ts';
import { filterRecordsInto, selectInto } from './select.ts';

/** Flows per query: each is a few comparisons with its own window. */
const BATCH = 200;

const SPAN = { start: 0, end: 0, line: 1, col: 1 };

/** A connection as the input's host recorded it: endpoints, transport protocol and time span (ms). */
export interface Flow {
  readonly src?: string;
  readonly sport?: number;
  readonly dst: string;
  readonly dport: number;
  readonly proto?: string;
  readonly from: number;
  readonly to: number;
}

const TRANSPORTS = new Set(['tcp', 'udp', 'sctp', 'icmp']);

function json(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** The distinct flows of network-traffic variable `vid` that name at least their destination. */
export async function flowsOf(ctx: CommandContext, vid: number): Promise<Flow[]> {
  const rows = await recordRows(
    ctx.cache,
    {
      vid,
      type: 'network-traffic',
      attributes: [
        'src_ref.value',
        'src_port',
        'dst_ref.value',
        'dst_port',
        'protocols',
        'start',
        'end',
        'first_observed',
        'last_observed',
      ],
      perRecord: false,
    },
    ctx.signal,
  );
  const out: Flow[] = [];
  for (const raw of rows) {
    const [src, sport, dst, dport, protocols, start, end, first, last] = raw.map(json);
    if (typeof dst !== 'string' || typeof dport !== 'number') continue;
    const times = [start, end, first, last]
      .filter((t): t is string => typeof t === 'string')
      .map((t) => Date.parse(t))
      .filter((t) => Number.isFinite(t));
    if (!times.length) continue;
    const proto = Array.isArray(protocols)
      ? protocols.map((p) => String(p).toLowerCase()).find((p) => TRANSPORTS.has(p))
      : undefined;
    out.push({
      ...(typeof src === 'string' ? { src } : {}),
      ...(typeof sport === 'number' ? { sport } : {}),
      dst,
      dport,
      ...(proto ? { proto } : {}),
      from: Math.min(...times),
      to: Math.max(...times),
    });
  }
  return out;
}

function cmp(path: string, value: string | number): ComparisonExpr {
  const steps: PathStep[] = path
    .split('.')
    .flatMap((part) =>
      part.endsWith('[*]')
        ? [{ kind: 'Key', name: part.slice(0, -3) } as const, { kind: 'Index', index: '*' } as const]
        : [{ kind: 'Key', name: part } as const],
    );
  const lit: Literal =
    typeof value === 'number' ? { kind: 'Int', value, span: SPAN } : { kind: 'String', value, span: SPAN };
  return {
    kind: 'Comparison',
    path: { kind: 'ObjectPath', objectType: 'network-traffic', steps, span: SPAN },
    op: '=',
    negated: false,
    value: lit,
    span: SPAN,
  };
}

function all(es: ComparisonExpr[], op: 'AND' | 'OR'): ComparisonExpr {
  return es.reduce((left, right) => ({ kind: 'ComparisonBinary', op, left, right, span: SPAN }));
}

/** Comparisons naming one side's endpoint: `side_ref.value = ip AND side_port = port`. */
function endpoint(side: 'src' | 'dst', ip: string, port: number): ComparisonExpr[] {
  return [cmp(`${side}_ref.value`, ip), cmp(`${side}_port`, port)];
}

/** The peer's record of `f`, as a comparison: the tuple either way round, or (NAT) the peer's endpoint only. */
export function peerCondition(f: Flow, nat: boolean): ComparisonExpr | undefined {
  let sides: ComparisonExpr;
  if (nat || f.src === undefined || f.sport === undefined) {
    if (!nat) return undefined;
    sides = all(
      [all(endpoint('dst', f.dst, f.dport), 'AND'), all(endpoint('src', f.dst, f.dport), 'AND')],
      'OR',
    );
  } else {
    const asRecorded = all([...endpoint('src', f.src, f.sport), ...endpoint('dst', f.dst, f.dport)], 'AND');
    const swapped = all([...endpoint('src', f.dst, f.dport), ...endpoint('dst', f.src, f.sport)], 'AND');
    sides = all([asRecorded, swapped], 'OR');
  }
  return f.proto ? all([sides, cmp('protocols[*]', f.proto)], 'AND') : sides;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** One observation per flow, each in its own START/STOP window, ORed as a balanced tree. */
export function peerPattern(flows: readonly Flow[], nat: boolean, withinMs: number): Pattern | null {
  const obs: ObservationExpr[] = [];
  for (const f of flows) {
    const c = peerCondition(f, nat);
    if (!c) continue;
    obs.push({
      kind: 'Qualified',
      expr: { kind: 'Observation', expr: c, span: SPAN },
      qualifier: {
        kind: 'StartStop',
        start: iso(f.from - withinMs),
        stop: iso(f.to + withinMs + 1),
        span: SPAN,
      },
      span: SPAN,
    });
  }
  if (!obs.length) return null;
  const tree = (lo: number, hi: number): ObservationExpr =>
    hi - lo === 1
      ? obs[lo]!
      : {
          kind: 'ObservationBinary',
          op: 'OR',
          left: tree(lo, (lo + hi) >> 1),
          right: tree((lo + hi) >> 1, hi),
          span: SPAN,
        };
  return { kind: 'Pattern', expr: tree(0, obs.length), source: '', span: SPAN };
}

export async function runFindPeer(s: IrFindPeer, ctx: CommandContext): Promise<CommandResult> {
  const input = variable(ctx, s.input, varSpan(s, s.input));
  requireRecords(ctx, input, 'FIND … PEER OF', varSpan(s, s.input));
  const pattern = await resolvePattern(ctx, s.pattern);
  const uri = s.source.join(',');
  const withinMs = s.withinSeconds * 1000;
  const flows = await flowsOf(ctx, input.vid);
  const explain = [
    `pivot: ${flows.length} flow${flows.length === 1 ? '' : 's'} of ${s.input} → their other end at ${uri}: ` +
      (s.nat
        ? `the peer's endpoint (each flow's destination) and protocol only (NAT)`
        : `the 5-tuple as recorded or with its sides swapped, and the protocol`) +
      `, within ±${s.withinSeconds} s of each flow`,
  ];
  const source = await ctx.sources.open(uri);
  const hops: number[] = [];
  for (let i = 0; i < flows.length; i += BATCH) {
    const batch = flows.slice(i, i + BATCH);
    const p = peerPattern(batch, s.nat, withinMs);
    if (!p) continue;
    const window: TimeWindow = {
      start: iso(Math.min(...batch.map((f) => f.from)) - withinMs),
      stop: iso(Math.max(...batch.map((f) => f.to)) + withinMs + 1),
      origin: `the flows of ${s.input} ±${s.withinSeconds} s`,
    };
    const plan = planGetFromSource(uri, 'network-traffic', p, window, undefined);
    explain.push(`peer query (${batch.length} flows):`, ...explainLines(plan, source).map((l) => '  ' + l));
    const stream: AsyncIterable<Observation> = source.query(plan.query, {
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onWarning: (w) => ctx.warnings.push(w),
    });
    const ingested = await ctx.cache.ingest(stream, ctx.signal ? { signal: ctx.signal } : {});
    const hv = ctx.cache.newVariableId();
    await selectInto(ctx, hv, {
      from: { kind: 'batch', batch: ingested.batch },
      entityType: 'network-traffic',
      pattern: p,
      mode: 'centered',
    });
    hops.push(hv);
  }
  const peers = ctx.cache.newVariableId();
  if (hops.length) await unionRecords(ctx.cache, peers, hops, ctx.signal);
  for (const v of hops) await releaseVariable(ctx.cache, { vid: v, storage: 'records' });

  const vid = ctx.cache.newVariableId();
  if (s.entityType === 'network-traffic') {
    explain.push(...(await filterRecordsInto(ctx, vid, peers, s.entityType, pattern, s.limit)));
  } else {
    // the peer's processes: one hop of FIND process CREATED from the peer's traffic, at the peer's source
    const find: IrFind = {
      kind: 'Find',
      output: s.output,
      entityType: 'process',
      relation: 'CREATED',
      reversed: false,
      input: s.input,
      edges: s.edges,
      pattern: null,
      refs: [],
      span: s.span,
    };
    const peerInput = {
      vid: peers,
      type: 'network-traffic',
      source: uri,
      name: `the peer traffic of ${s.input}`,
    };
    explain.push(...(await findHop(ctx, find, peerInput, undefined, vid, pattern, s.limit)));
  }
  await releaseVariable(ctx.cache, { vid: peers, storage: 'records' });
  return recordsVariable(s, s.entityType, vid, explain, { source: uri });
}
