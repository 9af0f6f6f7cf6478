/**
 * Jupyter messages (protocol 5.3) as plain data, and the header factory. A message is the five dictionaries of the
 * spec plus the ZeroMQ routing identities it came with and any binary buffers.
 */
import { randomUUID } from 'node:crypto';

export const PROTOCOL_VERSION = '5.3';

export interface MessageHeader {
  readonly msg_id: string;
  readonly session: string;
  readonly username: string;
  readonly date: string;
  readonly msg_type: string;
  readonly version: string;
  readonly [extra: string]: unknown;
}

export interface JupyterMessage<C = Record<string, unknown>> {
  /** ZeroMQ routing prefix (ROUTER identities, or the iopub topic). */
  readonly identities: readonly Buffer[];
  readonly header: MessageHeader;
  /** `{}` when the message answers nothing. */
  readonly parent_header: MessageHeader | Record<string, never>;
  readonly metadata: Record<string, unknown>;
  readonly content: C;
  readonly buffers: readonly Buffer[];
}

/** A fresh header of type `msgType` for the kernel's session. */
export function newHeader(msgType: string, session: string): MessageHeader {
  return {
    msg_id: randomUUID(),
    session,
    username: 'peregrine',
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}
