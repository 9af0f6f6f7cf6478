/**
 * `peregrine shifter translate|transmit|execute` — STIX-shifter's verbs with its JSON arguments, over our own
 * translation, transmission and result mapping. Each verb returns the JSON value the command prints.
 */
import { readFileSync } from 'node:fs';
import { InputError, spanAt } from '../../errors/index.ts';
import { compileElastic } from '../../backends/elastic/index.ts';
import { ecsToStix } from '../../mapping/index.ts';
import { parsePattern } from '../../stix/index.ts';
import type { Observation } from '../../stix/observation.ts';
import type { QueryContext, SourceProfile } from '../types.ts';
import { jsonErrorOffset } from '../profiles/json-position.ts';
import { observationId } from './ids.ts';
import { pullHits } from './pull.ts';
import { elasticSettings } from './settings.ts';
import { ElasticDataSource } from './source.ts';
import { DEFAULT_IDENTITY, toBundle, type Identity } from './stix-bundle.ts';

const MODULES = new Set(['elastic_ecs', 'elastic', 'opensearch']);

/**
 * Parses a JSON command-line argument; errors point into the argument — or into the file it was read from, when
 * `source` names one.
 */
export function jsonArg(name: string, text: string, source = `<${name}>`): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const offset = jsonErrorOffset(text, (e as Error).message);
    throw new InputError(
      'E_ARG_JSON',
      `${source === `<${name}>` ? `argument <${name}>` : source} is not valid JSON`,
      {
        span: spanAt(source, text, offset),
        hint:
          source !== `<${name}>`
            ? 'fix the JSON at the caret'
            : `fix the JSON at the caret; in a shell, wrap the whole argument in single quotes with double quotes inside, e.g. '{"key": "value"}'`,
      },
    );
  }
}

function objectArg(name: string, text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  const v = jsonArg(name, text);
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new InputError('E_ARG_JSON', `argument <${name}> must be a JSON object`, {
      // the configuration may hold credentials: positioned, but its text is not shown
      span: {
        ...spanAt(`<${name}>`, text, text.length - text.trimStart().length),
        ...(name === 'configuration' ? { text: undefined } : {}),
      },
      hint: `give a JSON object in braces, e.g. '{"key": "value"}' ('{}' when there is nothing to give)`,
    });
  return v as Record<string, unknown>;
}

function checkModule(m: string): void {
  if (!MODULES.has(m)) {
    throw new InputError('E_SHIFTER_MODULE', `unknown module "${m}"`, {
      hint: 'this build translates and transmits for elastic_ecs (Elasticsearch and OpenSearch)',
    });
  }
}

function identityArg(text: string | undefined): Identity {
  const v = objectArg('data_source', text);
  return v.type === 'identity' && typeof v.id === 'string' ? (v as unknown as Identity) : DEFAULT_IDENTITY;
}

function cliProfile(connection: string, config: string): SourceProfile {
  return {
    name: 'cli',
    connector: 'elastic_ecs',
    connection: objectArg('connection', connection),
    config: objectArg('configuration', config),
    origin: 'command-line arguments',
  };
}

function timeRangeOption(options: Record<string, unknown>): number | undefined {
  const t = options.time_range ?? options.timeRange;
  return typeof t === 'number' ? t : typeof t === 'string' && /^\d+$/.test(t) ? Number(t) : undefined;
}

/** `translate <module> query <data_source> <pattern> [options]` → `{queries: [DSL], local, notes}`. */
export function translateQuery(module: string, pattern: string, optionsText?: string, now?: Date): unknown {
  checkModule(module);
  const options = objectArg('options', optionsText);
  const ast = parsePattern(pattern, { source: '<pattern>' });
  const plan = compileElastic(
    { entityType: 'x-oca-event', pattern: ast },
    { defaultWindowMinutes: timeRangeOption(options), now },
  );
  return { queries: [{ query: plan.query }], local: plan.local, notes: plan.notes };
}

/** ECS documents (an array, `{hits:{hits}}`, or one document) → observations. */
export function* ecsDocsToObservations(docs: unknown): Generator<Observation> {
  const mapper = ecsToStix();
  const hits = (docs as { hits?: { hits?: unknown[] } })?.hits?.hits;
  const list = Array.isArray(docs) ? docs : Array.isArray(hits) ? hits : [docs];
  let i = 0;
  for (const d of list) {
    const h = d as { _source?: Record<string, unknown>; _index?: string; _id?: string };
    const src = h && typeof h === 'object' && h._source ? h._source : (d as Record<string, unknown>);
    yield mapper.observation(src, observationId(h._index ?? 'results', h._id ?? String(i++)));
  }
}

/** Offsets of the elements of the top-level JSON array `text` (its strings and nesting skipped). */
function elementOffsets(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let inString = false;
  let expecting = false; // after the array's '[' or a ',' at depth 1: the next non-blank starts an element
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (expecting && !/\s/.test(c)) {
      out.push(i);
      expecting = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1 && c === '[') expecting = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expecting = true;
  }
  return out;
}

/** Every result must be an ECS document (a JSON object, or a hit with one in `_source`): an error at the first that is not. */
function checkDocuments(docs: unknown, text: string, source = '<results>'): void {
  const isObject = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);
  const hits = isObject(docs) ? (docs as { hits?: { hits?: unknown } }).hits?.hits : undefined;
  const list = Array.isArray(docs) ? docs : Array.isArray(hits) ? hits : [docs];
  const bad = list.findIndex((d) => !isObject(d));
  if (bad < 0) return;
  const offset = Array.isArray(docs)
    ? (elementOffsets(text)[bad] ?? 0)
    : text.length - text.trimStart().length;
  const v = list[bad];
  throw new InputError(
    'E_ARG_JSON',
    `${Array.isArray(docs) ? `result ${bad + 1}` : Array.isArray(hits) ? `hit ${bad + 1}` : 'the result'} is ${v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`}, not an ECS document`,
    {
      span: spanAt(source, text, offset),
      hint: `give ECS documents as JSON objects: '[{"process": {"name": "bash"}}]', or a search response {"hits": {"hits": […]}}`,
    },
  );
}

/** `translate <module> results <data_source> <results> [options]` → a STIX bundle. */
export function translateResults(
  module: string,
  dataSource: string,
  results: string,
  optionsText?: string,
): unknown {
  checkModule(module);
  const options = objectArg('options', optionsText);
  const { text, source } = resultsInput(results);
  const docs = jsonArg('results', text, source);
  checkDocuments(docs, text, source);
  return toBundle(ecsDocsToObservations(docs), {
    stix21: options['stix_2.1'] === true,
    identity: identityArg(dataSource),
  });
}

/**
 * The documents argument of `translate … results`: the JSON itself, `-` for standard input, or `@PATH` for a file
 * (neither is JSON, so nothing is ambiguous) — arguments end at the system's limit (~128 KiB per argument on Linux).
 */
function resultsInput(arg: string): { text: string; source?: string } {
  if (arg !== '-' && !arg.startsWith('@')) return { text: arg };
  const path = arg === '-' ? undefined : arg.slice(1);
  try {
    return { text: readFileSync(path ?? 0, 'utf8'), source: path ?? '<stdin>' };
  } catch (e) {
    throw new InputError(
      'E_ARG_FILE',
      `cannot read the documents from ${path ?? 'standard input'}: ${(e as Error).message}`,
      {
        hint: 'give @PATH of a JSON file (an array of ECS documents, a search response, or one document), or - to read standard input',
      },
    );
  }
}

/** `transmit <module> <connection> <configuration> <operation> [args…]`. */
export async function transmit(
  module: string,
  connection: string,
  config: string,
  operation: string,
  args: string[],
  ctx: QueryContext = {},
): Promise<unknown> {
  checkModule(module);
  const settings = elasticSettings(cliProfile(connection, config));
  const src = new ElasticDataSource('transmit', settings);
  try {
    switch (operation) {
      case 'ping': {
        await src.client.request(
          { method: 'GET', path: '/_cluster/health' },
          { what: 'pinging the cluster', retries: 0 },
        );
        return { success: true };
      }
      case 'is_async':
        return { success: true, async: false };
      case 'query': {
        const q = args[0];
        if (q === undefined)
          throw new InputError(
            'E_ARG_MISSING',
            'transmit query needs <query> (the DSL that translate printed)',
            {
              hint: 'peregrine shifter transmit elastic_ecs CONNECTION CONFIGURATION query \'{"query": …}\'',
            },
          );
        jsonArg('query', q);
        return { success: true, search_id: q };
      }
      case 'status':
        return { success: true, status: 'COMPLETED', progress: 100 };
      case 'delete':
        return { success: true };
      case 'results': {
        const [searchId, offsetText = '0', lengthText = '100'] = args;
        if (searchId === undefined)
          throw new InputError('E_ARG_MISSING', 'transmit results needs <search_id> <offset> <length>', {
            hint: 'the search_id is what transmit query printed; e.g. … results SEARCH_ID 0 100',
          });
        const v = jsonArg('search_id', searchId) as { query?: unknown; queries?: Array<{ query?: unknown }> };
        const query = v.queries?.[0]?.query ?? v.query ?? v;
        const offset = Number(offsetText);
        const length = Number(lengthText);
        if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(length) || length < 0) {
          throw new InputError('E_ARG', 'offset and length must be non-negative integers', {
            hint: 'e.g. … results SEARCH_ID 0 100 (the first 100 results)',
          });
        }
        const data: unknown[] = [];
        let seen = 0;
        for await (const page of pullHits(src.client, settings.indices, {
          query: query as never,
          pageSize: settings.pageSize,
          limit: offset + length,
          signal: ctx.signal,
        })) {
          for (const h of page) {
            if (seen++ >= offset) data.push(h._source ?? {});
          }
        }
        return { success: true, data };
      }
      default:
        throw new InputError('E_SHIFTER_OPERATION', `unknown transmit operation "${operation}"`, {
          hint: 'operations: ping, is_async, query, status, results, delete',
        });
    }
  } finally {
    await src.close();
  }
}

/** `execute <translate module> <transmit module> <data_source> <connection> <configuration> <pattern> [options]`. */
export async function execute(
  translateModule: string,
  transmitModule: string,
  dataSource: string,
  connection: string,
  config: string,
  pattern: string,
  optionsText?: string,
  ctx: QueryContext = {},
): Promise<unknown> {
  checkModule(translateModule);
  checkModule(transmitModule);
  const options = objectArg('options', optionsText);
  const profile = cliProfile(connection, config);
  const settings = elasticSettings(profile);
  const minutes = timeRangeOption(options);
  const src = new ElasticDataSource(
    'execute',
    minutes === undefined ? settings : { ...settings, defaultWindowMinutes: minutes },
  );
  const ast = parsePattern(pattern, { source: '<pattern>' });
  try {
    const observations: Observation[] = [];
    for await (const o of src.query({ entityType: 'x-oca-event', pattern: ast }, ctx)) observations.push(o);
    return toBundle(observations, {
      stix21: options['stix_2.1'] === true,
      identity: identityArg(dataSource),
    });
  } finally {
    await src.close();
  }
}
