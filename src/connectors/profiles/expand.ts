/** `$VAR` / `${VAR}` expansion in profile values read from YAML (Kestrel expands environment variables too). */
import { InputError } from '../../errors/index.ts';

const VAR = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Expands variables in every string of `v` (deep); an unset variable is an InputError naming it and where. */
export function expandVars(v: unknown, env: NodeJS.ProcessEnv, where: string): unknown {
  if (typeof v === 'string') {
    return v.replace(VAR, (_m, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      const val = env[name];
      if (val === undefined) {
        throw new InputError('E_PROFILE_VAR', `${where} refers to $${name}, which is not set`, {
          hint: `export ${name}=… before running, or write the value into the file`,
        });
      }
      return val;
    });
  }
  if (Array.isArray(v)) return v.map((x, i) => expandVars(x, env, `${where}[${i}]`));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = expandVars(x, env, `${where}.${k}`);
    return out;
  }
  return v;
}
