/** Addresses and CIDR blocks of both families: parsing, containment, bounds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressText, cidrBounds, cidrContains, parseCidr } from '../../src/common/index.ts';

test('parseCidr takes addresses and blocks of both families and rejects the rest', () => {
  assert.deepEqual(parseCidr('10.1.2.3'), { v6: false, addr: 0x0a010203n, v4: 0x0a010203, bits: 32 });
  assert.deepEqual(parseCidr('10.0.0.0/8'), { v6: false, addr: 0x0a000000n, v4: 0x0a000000, bits: 8 });
  assert.deepEqual(parseCidr('::1'), { v6: true, addr: 1n, v4: 0, bits: 128 });
  assert.equal(parseCidr('::ffff:10.0.0.1')?.addr, 0xffff0a000001n);
  assert.equal(parseCidr('2001:db8::/32')?.bits, 32);
  for (const bad of [
    '1:2:3',
    '1::2::3',
    '300.1.1.1',
    '10.0.0.0/33',
    '10.0.0.0/',
    '::/129',
    '1:2:3:4:5:6:7:8::9',
    '::ffff:10.0.0.256',
    ' 10.0.0.1',
    'fe80::1%eth0',
    'g::1',
    '',
  ])
    assert.equal(parseCidr(bad), undefined, bad);
});

test('cidrContains: a block inside another of the same family', () => {
  const c = (s: string) => parseCidr(s)!;
  assert.equal(cidrContains(c('10.0.0.0/8'), c('10.1.2.3')), true);
  assert.equal(cidrContains(c('10.0.0.0/8'), c('10.1.0.0/16')), true);
  assert.equal(cidrContains(c('10.1.0.0/16'), c('10.0.0.0/8')), false);
  assert.equal(cidrContains(c('0.0.0.0/0'), c('192.168.1.1')), true);
  assert.equal(cidrContains(c('::/0'), c('10.0.0.1')), false);
  assert.equal(cidrContains(c('2001:db8::/32'), c('2001:db8:ffff::1')), true);
  assert.equal(cidrContains(c('2001:db8::/32'), c('2001:db9::1')), false);
});

test('cidrBounds and addressText', () => {
  assert.deepEqual(cidrBounds(parseCidr('10.1.2.3/8')!), [0x0a000000n, 0x0affffffn]);
  assert.deepEqual(cidrBounds(parseCidr('10.1.2.3')!), [0x0a010203n, 0x0a010203n]);
  assert.deepEqual(cidrBounds(parseCidr('::/127')!), [0n, 1n]);
  assert.equal(addressText(' fe80::1%eth0 '), 'fe80::1');
  assert.equal(addressText(' 10.0.0.1\n'), '10.0.0.1');
});
