/**
 * The connection file a Jupyter front end writes before starting a kernel: transport, ip, one port per channel, and
 * the HMAC key and scheme that sign every message. Validated with zod so a malformed file is an `InputError`
 * pointing at the file, not a crash in the socket layer.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../errors/index.ts';

const ConnectionSchema = z.object({
  transport: z.enum(['tcp', 'ipc']).default('tcp'),
  ip: z.string().min(1),
  shell_port: z.number().int().nonnegative(),
  control_port: z.number().int().nonnegative(),
  iopub_port: z.number().int().nonnegative(),
  stdin_port: z.number().int().nonnegative(),
  hb_port: z.number().int().nonnegative(),
  key: z.string().default(''),
  signature_scheme: z.string().default('hmac-sha256'),
  kernel_name: z.string().optional(),
});

export type ConnectionInfo = z.infer<typeof ConnectionSchema>;

/** The five channels a kernel binds. */
export type ChannelName = 'shell' | 'control' | 'iopub' | 'stdin' | 'hb';

/** Parses and validates the text of a connection file; `source` names it in errors. */
export function parseConnection(text: string, source: string): ConnectionInfo {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new InputError('E_KERNEL_CONNECTION', `connection file ${source} is not JSON`, {
      cause,
      hint: 'Jupyter writes this file; start the kernel through `jupyter` or pass a file it wrote',
    });
  }
  const parsed = ConnectionSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      'E_KERNEL_CONNECTION',
      `connection file ${source}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
      {
        hint: 'expected the keys transport, ip, shell_port, control_port, iopub_port, stdin_port, hb_port, key, signature_scheme',
      },
    );
  }
  if (parsed.data.signature_scheme !== 'hmac-sha256' && parsed.data.key !== '') {
    throw new InputError(
      'E_KERNEL_CONNECTION',
      `unsupported signature scheme ${parsed.data.signature_scheme}`,
      {
        hint: 'Peregrine signs messages with hmac-sha256, the scheme every Jupyter client uses by default',
      },
    );
  }
  return parsed.data;
}

/** Reads and parses a connection file from disk. */
export async function readConnectionFile(path: string): Promise<ConnectionInfo> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InputError('E_KERNEL_CONNECTION', `cannot read connection file ${path}`, { cause });
  }
  return parseConnection(text, path);
}

/** The ZeroMQ endpoint of one channel: `tcp://127.0.0.1:5555` or `ipc://path-3`. */
export function endpoint(info: ConnectionInfo, channel: ChannelName): string {
  const port = info[`${channel}_port` as const];
  if (info.transport === 'ipc') return `ipc://${info.ip}-${port}`;
  return `tcp://${info.ip}:${port}`;
}
