/**
 * PowerShell command lines that hide their script: `-EncodedCommand` (also written `-e`, `-ec`, `-enc`, any
 * prefix of the name from `-en`, with `-` or `/`) takes base64 of UTF-16LE text; scripts also carry
 * `FromBase64String('…')` payloads. Decoded text is searched again (up to {@link MAX_LAYERS} layers).
 */
import { isBase64Text } from './base64.ts';

export const MAX_LAYERS = 4;

function isBase64(s: string): boolean {
  return s.length >= 8 && isBase64Text(s);
}

/** Bytes as text: UTF-16LE when every other byte is zero-heavy (PowerShell's encoding), else UTF-8. */
function bytesText(b: Buffer): string {
  let zeros = 0;
  for (let i = 1; i < b.length; i += 2) if (b[i] === 0) zeros++;
  return b.length >= 2 && zeros * 2 >= b.length / 2 ? b.toString('utf16le') : b.toString('utf8');
}

/** Whitespace-separated words of a command line, quotes removed (`"a b"` is one word). */
export function commandWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let has = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = '';
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (cur || has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (cur || has) out.push(cur);
  return out;
}

function isEncodedFlag(w: string): boolean {
  if (w.length < 2 || (w[0] !== '-' && w[0] !== '/')) return false;
  const n = w.slice(1).toLowerCase();
  return n === 'e' || n === 'ec' || (n.length >= 2 && 'encodedcommand'.startsWith(n));
}

/** `FromBase64String('…')` arguments in `text`. */
function fromBase64Args(text: string): string[] {
  const out: string[] = [];
  const lower = text.toLowerCase();
  let i = 0;
  for (;;) {
    const k = lower.indexOf('frombase64string(', i);
    if (k < 0) return out;
    let j = k + 'frombase64string('.length;
    while (text[j] === ' ') j++;
    const q = text[j];
    if (q === '"' || q === "'") {
      const end = text.indexOf(q, j + 1);
      if (end > j) out.push(text.slice(j + 1, end));
    }
    i = j + 1;
  }
}

/** What a PowerShell command line hides: the decoded script (innermost layer), and how it was hidden. */
export function decodePowerShell(
  line: string,
): { decoded: string; how: 'encoded-command' | 'base64' } | undefined {
  let text = line;
  let how: 'encoded-command' | 'base64' | undefined;
  for (let layer = 0; layer < MAX_LAYERS; layer++) {
    const words = commandWords(text);
    let payload: string | undefined;
    const flag = words.findIndex(isEncodedFlag);
    if (flag >= 0 && isBase64(words[flag + 1] ?? '')) {
      payload = words[flag + 1];
      how ??= 'encoded-command';
    } else {
      payload = fromBase64Args(text).find(isBase64);
      if (payload) how ??= 'base64';
    }
    if (!payload) break;
    const next = bytesText(Buffer.from(payload, 'base64'));
    if (!next || next === text) break;
    text = next;
  }
  return how ? { decoded: text, how } : undefined;
}
