// The kernel's wire format, signatures and connection file parsing, and the HTML renderer's escaping.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { InputError } from '../../src/errors/index.ts';
import { endpoint, parseConnection } from '../../src/jupyter/connection.ts';
import { codePointToIndex, indexToCodePoint } from '../../src/jupyter/assist-handlers.ts';
import { newHeader, type JupyterMessage } from '../../src/jupyter/message.ts';
import { DELIMITER, Signer, decode, encode } from '../../src/jupyter/wire.ts';
import { escapeHtml, renderHtmlTable } from '../../src/render/html.ts';

const message: JupyterMessage = {
  identities: [Buffer.from('client-1')],
  header: newHeader('execute_request', 'session-1'),
  parent_header: {},
  metadata: {},
  content: { code: 'DISP x', silent: false },
  buffers: [],
};

test('encode signs header, parent, metadata and content with HMAC-SHA256; decode verifies and parses', () => {
  const signer = new Signer('secret');
  const frames = encode(message, signer);
  assert.equal(frames[0]!.toString(), 'client-1');
  assert.equal(frames[1]!.toString(), DELIMITER);
  const h = createHmac('sha256', 'secret');
  for (const f of frames.slice(3, 7)) h.update(f);
  assert.equal(frames[2]!.toString(), h.digest('hex'));
  const r = decode(frames, signer);
  assert.ok(r.ok);
  assert.deepEqual(r.message.content, message.content);
  assert.equal(r.message.header.msg_type, 'execute_request');
  assert.deepEqual(r.message.identities.map(String), ['client-1']);
});

test('a wrong key, a tampered content frame, a truncated signature or a missing delimiter are refused', () => {
  const frames = encode(message, new Signer('secret'));
  const bad = decode(frames, new Signer('other'));
  assert.deepEqual(bad, { ok: false, reason: 'invalid HMAC signature', msgType: 'execute_request' });
  const tampered = [...frames];
  tampered[6] = Buffer.from(JSON.stringify({ code: 'DISP y' }));
  assert.equal(decode(tampered, new Signer('secret')).ok, false);
  const short = [...frames];
  short[2] = frames[2]!.subarray(0, 10);
  assert.equal(decode(short, new Signer('secret')).ok, false);
  assert.deepEqual(decode(frames.slice(2), new Signer('secret')), {
    ok: false,
    reason: 'no <IDS|MSG> delimiter',
  });
});

test('an empty key means unsigned messages, as Jupyter does', () => {
  const frames = encode(message, new Signer(''));
  assert.equal(frames[2]!.length, 0);
  assert.ok(decode(frames, new Signer('')).ok);
});

test('connection files: valid ones give endpoints, malformed ones an InputError naming the problem', () => {
  const info = parseConnection(
    JSON.stringify({
      transport: 'tcp',
      ip: '127.0.0.1',
      shell_port: 1,
      control_port: 2,
      iopub_port: 3,
      stdin_port: 4,
      hb_port: 5,
      key: 'k',
      signature_scheme: 'hmac-sha256',
    }),
    'c.json',
  );
  assert.equal(endpoint(info, 'iopub'), 'tcp://127.0.0.1:3');
  assert.equal(endpoint({ ...info, transport: 'ipc', ip: '/tmp/k' }, 'hb'), 'ipc:///tmp/k-5');
  assert.throws(
    () => parseConnection('{', 'c.json'),
    (e: unknown) => e instanceof InputError && /not JSON/.test(e.message),
  );
  assert.throws(
    () => parseConnection('{"ip":"x"}', 'c.json'),
    (e: unknown) => e instanceof InputError && /shell_port/.test(e.message),
  );
  assert.throws(
    () => parseConnection(JSON.stringify({ ...info, signature_scheme: 'hmac-md5' }), 'c.json'),
    (e: unknown) => e instanceof InputError && /hmac-md5/.test(e.message),
  );
});

test('cursor positions convert between Jupyter code points and UTF-16 indexes', () => {
  const text = "x = '🦅' DISP";
  assert.equal(codePointToIndex(text, 8), 9);
  assert.equal(indexToCodePoint(text, 9), 8);
});

test('HTML tables escape every header and cell', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  const html = renderHtmlTable(['<b>', 'n'], [['<script>alert(1)</script>', 3]], {
    title: 'a & b',
    formatCell: String,
    numeric: new Set([1]),
  });
  assert.ok(!html.includes('<script>'));
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('<th style="text-align:left">&lt;b&gt;</th>'));
  assert.ok(html.includes('<td style="text-align:right;white-space:nowrap">3</td>'));
  assert.ok(html.includes('a &amp; b'));
});
