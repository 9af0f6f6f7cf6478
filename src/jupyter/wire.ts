/**
 * The wire format of the Jupyter messaging protocol: `[identities…, "<IDS|MSG>", signature, header, parent_header,
 * metadata, content, buffers…]`, where signature is the hex HMAC of the four JSON frames. Signatures are compared in
 * constant time; a message whose signature does not verify is never decoded further.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { JupyterMessage, MessageHeader } from './message.ts';

export const DELIMITER = '<IDS|MSG>';

/** Signs and verifies the four JSON frames of a message with the connection key (no signing when the key is empty). */
export class Signer {
  readonly #key: string;
  constructor(key: string) {
    this.#key = key;
  }

  sign(frames: readonly Buffer[]): string {
    if (this.#key === '') return '';
    const h = createHmac('sha256', this.#key);
    for (const f of frames) h.update(f);
    return h.digest('hex');
  }

  /** True when `signature` is the HMAC of `frames`; constant time in the signature's content. */
  verify(signature: Buffer, frames: readonly Buffer[]): boolean {
    if (this.#key === '') return true;
    const expected = Buffer.from(this.sign(frames), 'ascii');
    if (signature.length !== expected.length) return false;
    return timingSafeEqual(signature, expected);
  }
}

/** Why a received multipart message was refused. */
export type DecodeFailure = { readonly ok: false; readonly reason: string; readonly msgType?: string };
export type DecodeResult = { readonly ok: true; readonly message: JupyterMessage } | DecodeFailure;

/** Splits, verifies and parses a received multipart message. Never throws. */
export function decode(frames: readonly Buffer[], signer: Signer): DecodeResult {
  const delim = frames.findIndex((f) => f.length === DELIMITER.length && f.toString('latin1') === DELIMITER);
  if (delim < 0) return { ok: false, reason: 'no <IDS|MSG> delimiter' };
  if (frames.length < delim + 6)
    return { ok: false, reason: `only ${frames.length - delim - 1} frames after the delimiter` };
  const signature = frames[delim + 1]!;
  const body = frames.slice(delim + 2, delim + 6);
  if (!signer.verify(signature, body)) {
    return { ok: false, reason: 'invalid HMAC signature', msgType: peekType(body[0]!) };
  }
  try {
    const [header, parent, metadata, content] = body.map((b) => JSON.parse(b.toString('utf8')) as unknown);
    if (!isObject(header) || typeof header.msg_type !== 'string')
      return { ok: false, reason: 'header has no msg_type' };
    return {
      ok: true,
      message: {
        identities: frames.slice(0, delim),
        header: header as unknown as MessageHeader,
        parent_header: (isObject(parent) ? parent : {}) as JupyterMessage['parent_header'],
        metadata: isObject(metadata) ? metadata : {},
        content: isObject(content) ? content : {},
        buffers: frames.slice(delim + 6),
      },
    };
  } catch (e) {
    return { ok: false, reason: `malformed JSON frame: ${(e as Error).message}` };
  }
}

/** Serialises and signs a message into its multipart frames. */
export function encode(message: JupyterMessage<unknown>, signer: Signer): Buffer[] {
  const body = [message.header, message.parent_header, message.metadata, message.content].map((o) =>
    Buffer.from(JSON.stringify(o), 'utf8'),
  );
  return [
    ...message.identities,
    Buffer.from(DELIMITER, 'latin1'),
    Buffer.from(signer.sign(body), 'ascii'),
    ...body,
    ...message.buffers,
  ];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The msg_type of an unverified header, for the log line only. */
function peekType(header: Buffer): string | undefined {
  try {
    const h = JSON.parse(header.toString('utf8')) as unknown;
    return isObject(h) && typeof h.msg_type === 'string' ? h.msg_type : undefined;
  } catch {
    return undefined;
  }
}
