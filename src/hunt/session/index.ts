/**
 * The hunt session API used by the CLI (`peregrine run`), the REPL and the Jupyter kernel. Keep it stable.
 *
 * ```ts
 * const s = await HuntSession.create({ cachePath?, timeWindowMinutes? });
 * const r = await s.execute(text, { sourceName, signal, onProgress, onDisplay });  // { displays, summary, warnings }
 * s.variables(); s.attributes('process'); await s.close();
 * ```
 */
export { HuntSession } from './session.ts';
export type {
  Display,
  ExecuteOptions,
  ExecuteResult,
  Progress,
  SessionOptions,
  VariableSummary,
} from './types.ts';
