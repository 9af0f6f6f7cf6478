import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  listProfiles,
  redactProfile,
  resolveStixShifterProfile,
} from '../../../src/connectors/profiles/index.ts';
import { elasticSettings } from '../../../src/connectors/elastic/index.ts';
import { InputError } from '../../../src/errors/index.ts';
import { renderErrorText } from '../../../src/render/error.ts';

const home = mkdtempSync(join(tmpdir(), 'peregrine-profiles-'));
const SECRET = 'pa55-w0rd-XYZ';

function env(vars: Record<string, string>): NodeJS.ProcessEnv {
  return { HOME: home, ...vars };
}

test('STIXSHIFTER_<NAME>_* variables make a profile; the connector defaults to elastic_ecs', () => {
  const e = env({
    STIXSHIFTER_CONTAINER1_CONNECTION:
      '{"host":"elastic.example.com","port":9200,"indices":"container1-sysflow-*"}',
    STIXSHIFTER_CONTAINER1_CONFIG: '{"auth":{"id":"VuaCfGcB","api_key":"ui2lp2ax"}}',
  });
  for (const name of ['stixshifter://container1', 'container1', 'CONTAINER1']) {
    const p = resolveStixShifterProfile(name, e);
    assert.equal(p.name, 'container1');
    assert.equal(p.connector, 'elastic_ecs');
    assert.equal(p.connection.host, 'elastic.example.com');
  }
  const s = elasticSettings(resolveStixShifterProfile('container1', e));
  assert.equal(s.node, 'https://elastic.example.com:9200');
  assert.deepEqual(s.indices, ['container1-sysflow-*']);
  assert.deepEqual(s.auth, { kind: 'api_key', id: 'VuaCfGcB', apiKey: 'ui2lp2ax' });
});

test('indices as a list, http scheme in host, options and the three auth forms', () => {
  const mk = (conn: object, conf: object) =>
    elasticSettings(
      resolveStixShifterProfile(
        'x',
        env({ STIXSHIFTER_X_CONNECTION: JSON.stringify(conn), STIXSHIFTER_X_CONFIG: JSON.stringify(conf) }),
      ),
    );
  const s = mk(
    {
      host: 'http://127.0.0.1',
      port: '9200',
      indices: ['a-*', 'b'],
      options: { timeout: 5, page_size: 100, time_range: 60, verify_cert: false },
    },
    { auth: { username: 'u', password: SECRET } },
  );
  assert.equal(s.node, 'http://127.0.0.1:9200');
  assert.deepEqual(s.indices, ['a-*', 'b']);
  assert.deepEqual([s.timeoutMs, s.pageSize, s.defaultWindowMinutes, s.verifyCert], [5000, 100, 60, false]);
  assert.equal(
    mk({ host: 'h', port: 1, indices: 'a, b' }, { auth: { access_token: 't' } }).auth.kind,
    'bearer',
  );
  assert.deepEqual(mk({ host: 'h', port: 1, indices: 'a, b' }, {}).indices, ['a', 'b']);
  assert.equal(mk({ host: 'h', port: 1, indices: 'a', selfSignedCert: false }, {}).verifyCert, false);
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
  assert.equal(mk({ host: 'h', port: 1, indices: 'a', selfSignedCert: pem }, {}).ca, pem);
});

test('invalid JSON names the variable and the position; config text (secrets) is never shown', () => {
  const bad = '{"host": "h", "port": 9200,, "indices": "x"}';
  assert.throws(
    () => resolveStixShifterProfile('x', env({ STIXSHIFTER_X_CONNECTION: bad })),
    (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /STIXSHIFTER_X_CONNECTION is not valid JSON \(at position 27\)/);
      assert.equal(e.span?.col, 28);
      assert.match(renderErrorText(e), /\^/);
      return true;
    },
  );
  const badConfig = `{"auth": {"username": "u", "password": "${SECRET}"`;
  assert.throws(
    () =>
      resolveStixShifterProfile(
        'x',
        env({
          STIXSHIFTER_X_CONNECTION: '{"host":"h","port":1,"indices":"i"}',
          STIXSHIFTER_X_CONFIG: badConfig,
        }),
      ),
    (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /STIXSHIFTER_X_CONFIG is not valid JSON/);
      assert.ok(!renderErrorText(e, { debug: true }).includes(SECRET), 'secret leaked into the error');
      return true;
    },
  );
});

test('a missing or mistyped key names the variable and points into its JSON', () => {
  const p = resolveStixShifterProfile(
    'y',
    env({ STIXSHIFTER_Y_CONNECTION: '{"host": "h", "indices": "i"}' }),
  );
  assert.throws(() => elasticSettings(p), /data source "y": STIXSHIFTER_Y_CONNECTION: port: is missing/);
  const q = resolveStixShifterProfile(
    'y',
    env({ STIXSHIFTER_Y_CONNECTION: '{"host": "h", "port": "nine", "indices": "i"}' }),
  );
  assert.throws(
    () => elasticSettings(q),
    (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /STIXSHIFTER_Y_CONNECTION: port:/);
      assert.equal(e.span?.col, 15);
      return true;
    },
  );
  const r = resolveStixShifterProfile(
    'y',
    env({
      STIXSHIFTER_Y_CONNECTION: '{"host":"h","port":1,"indices":"i"}',
      STIXSHIFTER_Y_CONFIG: `{"auth":{"user":"u","pass":"${SECRET}"}}`,
    }),
  );
  assert.throws(
    () => elasticSettings(r),
    (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /unsupported auth \(keys: user, pass\)/);
      assert.ok(!renderErrorText(e, { debug: true }).includes(SECRET));
      return true;
    },
  );
  assert.throws(() => resolveStixShifterProfile('nosuch', env({})), /no data source profile "nosuch"/);
});

test("Kestrel's YAML profile file with $VAR expansion; env vars override it key by key", () => {
  const path = join(home, 'kestrel-stixshifter.yaml');
  writeFileSync(
    path,
    [
      'profiles:',
      '  laptop1:',
      '    connector: elastic_ecs',
      '    connection:',
      '      host: elastic.laptop',
      '      port: 9200',
      '      indices: laptop1-*',
      '      selfSignedCert: false',
      '      options:',
      '        retrieval_batch_size: 2000',
      '        single_batch_timeout: 120',
      '    config:',
      '      auth:',
      '        username: $ES_USER',
      '        password: ${ES_PASS}',
      '',
    ].join('\n'),
  );
  const e = env({ KESTREL_STIXSHIFTER_CONFIG: path, ES_USER: 'hunter', ES_PASS: SECRET });
  const p = resolveStixShifterProfile('stixshifter://laptop1', e);
  const s = elasticSettings(p);
  assert.deepEqual(s.auth, { kind: 'basic', username: 'hunter', password: SECRET });
  assert.deepEqual([s.pageSize, s.timeoutMs, s.verifyCert], [2000, 120_000, false]);
  assert.equal(JSON.stringify(redactProfile(p)).includes(SECRET), false);
  const o = resolveStixShifterProfile('laptop1', { ...e, STIXSHIFTER_LAPTOP1_CONNECTION: '{"port": 9300}' });
  assert.deepEqual([o.connection.host, o.connection.port], ['elastic.laptop', 9300]);
  assert.throws(
    () => resolveStixShifterProfile('laptop1', { HOME: home, KESTREL_STIXSHIFTER_CONFIG: path }),
    /refers to \$ES_USER, which is not set/,
  );
  assert.deepEqual(
    listProfiles({ ...e, STIXSHIFTER_OTHER_CONNECTION: '{"host":"h","port":1,"indices":"i"}' }).map(
      (x) => x.name,
    ),
    ['laptop1', 'other'],
  );
});

test('a broken YAML file is an error with its line, without its text', () => {
  const path = join(home, 'broken.yaml');
  writeFileSync(path, `profiles:\n  a:\n    config:\n      auth: {password: "${SECRET}"\n`);
  assert.throws(
    () => resolveStixShifterProfile('a', { HOME: home, KESTREL_STIXSHIFTER_CONFIG: path }),
    (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /is not valid YAML/);
      assert.ok(e.span && e.span.line >= 4);
      assert.ok(!renderErrorText(e, { debug: true }).includes(SECRET));
      return true;
    },
  );
});
