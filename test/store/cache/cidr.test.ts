/** Address-in-network for both IP families (the cache's `peregrine_in_cidr`). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inCidr } from '../../../src/store/cache/cidr.ts';

test('IPv4 and IPv6 membership, single hosts, mixed families', () => {
  assert.equal(inCidr('10.1.2.3', '10.0.0.0/8'), true);
  assert.equal(inCidr('11.1.2.3', '10.0.0.0/8'), false);
  assert.equal(inCidr('10.1.2.3', '10.1.2.3'), true);
  assert.equal(inCidr('2001:db8::1', '2001:db8::/32'), true);
  assert.equal(inCidr('2001:db9::1', '2001:db8::/32'), false);
  assert.equal(inCidr('fe80:0:0:0:5d67:4a8:1e69:54d8', 'fe80::/10'), true);
  assert.equal(inCidr('::ffff:10.0.0.1', '::ffff:10.0.0.0/120'), true);
  assert.equal(inCidr('10.0.0.1', '::/0'), false);
  assert.equal(inCidr('not an address', '10.0.0.0/8'), false);
  assert.equal(inCidr('10.0.0.1', '10.0.0.0/33'), false);
});

test('values as data holds them: blanks, an IPv6 zone, a prefix after the address', () => {
  assert.equal(inCidr(' 10.1.2.3 ', '10.0.0.0/8'), true);
  assert.equal(inCidr('fe80::1%eth0', 'fe80::/10'), true);
  assert.equal(inCidr('fe80::1', 'fe80::%eth0/10'), true);
  assert.equal(inCidr('10.1.0.0/16', '10.0.0.0/8'), true);
  assert.equal(inCidr('10.0.0.1', '10.0.0.0/'), false);
});
