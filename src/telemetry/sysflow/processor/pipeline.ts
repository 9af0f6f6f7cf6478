/**
 * Runs a {@link PipelineConfig}: the reader stage resolves the inputs' records into events and pushes them through
 * the channel graph — policy stages decide, `out` arrays tee — into the exporters. Push-based with back-pressure:
 * a stage's `write` may return a promise and the reader waits for it before the next record, so memory stays flat
 * whatever the input size. Synchronous stages cost no promise per record.
 */
import { TelemetryError } from '../../../errors/index.ts';
import { EntityTables } from '../format/resolver.ts';
import { batchesOf, inputName, type SysFlowInput } from '../format/inputs.ts';
import { isEntityRecord, type ResolvedEvent } from '../records/index.ts';
import type { PolicyCompat } from '../policy/index.ts';
import type { ExporterStage, PipelineConfig, PolicyStageConfig, StageConfig } from './config.ts';
import type { ExportStats, Exporter, PolicyMode, PolicyStage, ProcessedEvent } from './types.ts';

/** Loads a policy stage from policy files/directories (the policy engine's entry point). */
export type PolicyLoader = (opts: {
  readonly paths: readonly string[];
  readonly mode: PolicyMode;
  /** Another engine's reading of the policies; absent for Peregrine's own. */
  readonly compat?: PolicyCompat;
}) => Promise<PolicyStage>;
/** Creates the exporter of an exporter stage. */
export type ExporterFactory = (stage: ExporterStage) => Promise<Exporter>;

export interface PipelineDeps {
  /** Absent → a pipeline with a policyengine stage is refused. */
  readonly loadPolicy?: PolicyLoader;
  readonly createExporter: ExporterFactory;
}

/** Counts of one run. */
export interface PipelineStats {
  /** Records read, entities included. */
  readonly records: number;
  /** Event records read (entities not counted). */
  readonly events: number;
  /** Records dropped by drop filters, per policy stage index. */
  readonly dropped: number;
  /** Records not passed on by alert-mode policy stages (no rule matched). */
  readonly filtered: number;
  readonly exporters: readonly ExportStats[];
}

interface Node {
  write(ev: ProcessedEvent): void | Promise<void>;
}

/** Pushes to every consumer; returns a promise only when some consumer did. */
function fanOut(nodes: readonly Node[]): Node {
  if (nodes.length === 1) return nodes[0];
  return {
    write(ev) {
      let pending: Promise<void>[] | undefined;
      for (const n of nodes) {
        const r = n.write(ev);
        if (r) (pending ??= []).push(r);
      }
      if (pending) return Promise.all(pending).then(() => undefined);
    },
  };
}

const NO_MATCHES: ProcessedEvent['matches'] = Object.freeze([]);

/** A built, runnable pipeline. */
export class Pipeline {
  private records = 0;
  private events = 0;
  private dropped = 0;
  private filtered = 0;
  private closed = false;

  private constructor(
    private readonly head: Node,
    private readonly exporters: readonly Exporter[],
  ) {}

  /** Builds the stages of `config` (loads policies, opens exporters). */
  static async build(config: PipelineConfig, deps: PipelineDeps): Promise<Pipeline> {
    const byIndex = new Map<number, StageConfig>(config.stages.map((s) => [s.index, s]));
    const consumerOf = new Map<string, StageConfig>();
    for (const s of config.stages) if (s.kind !== 'reader') for (const c of s.in) consumerOf.set(c, s);
    const exporters: Exporter[] = [];
    const built = new Map<number, Node>();
    let pipeline: Pipeline | undefined;

    const build = async (s: StageConfig): Promise<Node> => {
      const hit = built.get(s.index);
      if (hit) return hit;
      const next = fanOut(await Promise.all(s.out.map((c) => build(consumerOf.get(c)!))));
      let node: Node;
      switch (s.kind) {
        case 'reader':
          node = next;
          break;
        case 'policy':
          node = await policyNode(s, next, deps, () => pipeline!);
          break;
        case 'exporter': {
          const exp = await deps.createExporter(s);
          exporters.push(exp);
          node = exp;
          break;
        }
      }
      built.set(s.index, node);
      return node;
    };
    const reader = [...byIndex.values()].find((s) => s.kind === 'reader')!;
    try {
      const head = await build(reader);
      pipeline = new Pipeline(head, exporters);
      return pipeline;
    } catch (e) {
      await Promise.allSettled(exporters.map((x) => x.close()));
      throw e;
    }
  }

  /** Pushes one resolved event through the graph. */
  push(event: ResolvedEvent): void | Promise<void> {
    this.events++;
    return this.head.write({ event, matches: NO_MATCHES });
  }

  /**
   * Reads every input in order (one set of entity tables), resolves its events and pushes them. Records arrive in
   * blocks and are handled synchronously within a block; the only awaits are the reads and the back-pressure of a
   * stage that returned a promise.
   */
  async run(inputs: readonly SysFlowInput[], tables: EntityTables = new EntityTables()): Promise<void> {
    for (const input of inputs) {
      const source = inputName(input);
      for await (const batch of batchesOf(input)) {
        this.records += batch.length;
        for (let i = 0; i < batch.length; i++) {
          const r = batch[i];
          if (isEntityRecord(r)) tables.add(r);
          else {
            const w = this.push(tables.resolve(r, source));
            if (w) await w;
          }
        }
      }
    }
  }

  /** Flushes and closes every exporter. */
  async close(): Promise<PipelineStats> {
    if (this.closed) throw new TelemetryError('E_PIPELINE_CLOSED', 'the pipeline is already closed');
    this.closed = true;
    const results = await Promise.allSettled(this.exporters.map((e) => e.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return {
      records: this.records,
      events: this.events,
      dropped: this.dropped,
      filtered: this.filtered,
      exporters: results.map((r) => (r as PromiseFulfilledResult<ExportStats>).value),
    };
  }

  /** @internal counters updated by policy nodes. */
  count(kind: 'dropped' | 'filtered'): void {
    this[kind]++;
  }
}

async function policyNode(
  s: PolicyStageConfig,
  next: Node,
  deps: PipelineDeps,
  owner: () => Pipeline,
): Promise<Node> {
  if (!deps.loadPolicy) {
    throw new TelemetryError(
      'E_POLICY_UNAVAILABLE',
      `stage ${s.index + 1}: the policy engine is not available in this build`,
      {
        hint: 'run without --policy (or without the policyengine stage)',
      },
    );
  }
  const engine = await deps.loadPolicy({
    paths: s.policies,
    mode: s.mode,
    ...(s.compat ? { compat: s.compat } : {}),
  });
  const alertOnly = s.mode === 'alert';
  return {
    write(p) {
      const r = engine.process(p.event);
      if (r.drop) {
        owner().count('dropped');
        return;
      }
      if (r.matches.length === 0) {
        if (alertOnly) {
          owner().count('filtered');
          return;
        }
        return next.write(p);
      }
      return next.write({
        event: p.event,
        matches: p.matches.length ? [...p.matches, ...r.matches] : r.matches,
      });
    },
  };
}
