/**
 * Policy engine benchmark: the 52 rules of data/policies/ttps.yaml evaluated over the resolved events of every real
 * trace (sf-processor's shellshock, node-attack and k8s traces and the sf-collector captures), the events replicated
 * round-robin up to N evaluations (default 2,000,000). Baseline in the same run: a loop over the same events that
 * only touches each one (reads its record type and opflags). Reading/resolving the traces is not timed (H5 measures
 * the whole pipeline). The same rules are also run in sf-processor's reading (`compat: 'sf-processor'`) and compared
 * with Peregrine's.
 *
 *     node --import tsx bench/sysflow-policy.ts [N]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EntityTables, readSysFlowFile, resolveEvents } from '../src/telemetry/sysflow/format/index.ts';
import { compilePolicies } from '../src/telemetry/sysflow/policy/index.ts';
import { SF_TYPE, type ResolvedEvent } from '../src/telemetry/sysflow/records/index.ts';
import { SYSFLOW_DATA } from '../test/support/data.ts';

const N = Number(process.argv[2] ?? 2_000_000);

function traces(dir: string): string[][] {
  const out: string[][] = [];
  const walk = (d: string): void => {
    const files = readdirSync(d).sort();
    const sf = files.filter((f) => f.endsWith('.sf')).map((f) => join(d, f));
    if (sf.length) out.push(sf);
    for (const f of files) if (statSync(join(d, f)).isDirectory()) walk(join(d, f));
  };
  walk(dir);
  return out;
}

const events: ResolvedEvent[] = [];
for (const series of [...traces(join(SYSFLOW_DATA, 'sf-processor/resources/traces')), ...traces(join(SYSFLOW_DATA, 'sf-collector/tests'))]) {
  const tables = new EntityTables();
  for (const f of series) for await (const ev of resolveEvents(readSysFlowFile(f), f, tables)) events.push(ev);
}

const ttps = [{ path: 'data/policies/ttps.yaml', text: readFileSync('data/policies/ttps.yaml', 'utf8') }];
const engine = compilePolicies(ttps);
const sfp = compilePolicies(ttps, { compat: 'sf-processor' });
const perType = new Map<string, number>();
for (const t of Object.values(SF_TYPE)) perType.set(t, engine.rules.filter((r) => r.prefilter.length === 0 || r.prefilter.includes(t)).length);
let rulePreds = 0;
for (const ev of events) rulePreds += perType.get(SF_TYPE[ev.record.kind]) ?? 0;
const predsPerEvent = rulePreds / events.length;

/** Wall time and this process's CPU time (user+system): on a loaded machine CPU time is the steadier figure. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function baseline(): { ms: number; cpu: number; check: number } {
  const c0 = cpuMs();
  const t0 = performance.now();
  let check = 0;
  for (let i = 0; i < N; i++) {
    const ev = events[i % events.length];
    check += ev.record.kind.length + ((ev.record as { opFlags?: number }).opFlags ?? 0);
  }
  return { ms: performance.now() - t0, cpu: cpuMs() - c0, check };
}

function policy(e = engine): { ms: number; cpu: number; matches: number } {
  const c0 = cpuMs();
  const t0 = performance.now();
  let matches = 0;
  for (let i = 0; i < N; i++) matches += e.evaluate(events[i % events.length]).matches.length;
  return { ms: performance.now() - t0, cpu: cpuMs() - c0, matches };
}

// Warm up the loops once, then take the best of three (the two readings interleaved).
baseline();
policy();
policy(sfp);
const b = [baseline(), baseline(), baseline()].sort((x, y) => x.ms - y.ms)[0];
const runs = [0, 1, 2].map(() => [policy(), policy(sfp)] as const);
const p = runs.map((r) => r[0]).sort((x, y) => x.ms - y.ms)[0];
const c = runs.map((r) => r[1]).sort((x, y) => x.ms - y.ms)[0];
const evps = (ms: number): number => Math.round(N / (ms / 1000));
console.log(`distinct real events: ${events.length}, evaluations: ${N}, rules: ${engine.rules.length}, rule predicates per event: ${predsPerEvent.toFixed(1)}`);
console.log(`baseline (touch only): ${b.ms.toFixed(0)} ms wall, ${b.cpu.toFixed(0)} ms cpu, ${evps(b.ms).toLocaleString('en')} events/s wall`);
console.log(
  `ttps.yaml engine:      ${p.ms.toFixed(0)} ms wall, ${p.cpu.toFixed(0)} ms cpu, ${evps(p.ms).toLocaleString('en')} events/s wall, ` +
    `${evps(p.cpu).toLocaleString('en')} events per cpu-second, ${Math.round((N * predsPerEvent) / (p.cpu / 1000)).toLocaleString('en')} rule predicates per cpu-second, ${p.matches} matches`,
);
console.log(`ratio engine/baseline: ${(p.ms / b.ms).toFixed(1)}x wall, ${(p.cpu / Math.max(1, b.cpu)).toFixed(1)}x cpu`);
console.log(
  `sf-processor reading:  ${c.ms.toFixed(0)} ms wall, ${c.cpu.toFixed(0)} ms cpu, ${evps(c.cpu).toLocaleString('en')} events per cpu-second, ${c.matches} matches; ` +
    `ratio to Peregrine's reading ${(c.ms / p.ms).toFixed(2)}x wall, ${(c.cpu / Math.max(1, p.cpu)).toFixed(2)}x cpu`,
);
