import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { test } from 'node:test';
import { isIpLiteral, sansCoverHost } from '../../server/src/core/x509/names';
import { prng } from '../support/random';

// isIpLiteral stands in for net.isIP so that judging host names does not load node:net at start-up.
test('isIpLiteral agrees with net.isIP on edge cases', () => {
  const cases = [
    '0.0.0.0', '255.255.255.255', '256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.04', '1.2.3.4 ', ' 1.2.3.4',
    '10.0.0.1', '192.168.001.1', '1..2.3', '', '.', 'a.b.c.d', '1.2.3.4.', '::', '::1', '2001:db8::1', 'fe80::1%eth0',
    '::ffff:1.2.3.4', '2001:db8:::1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', 'example.com', 'api.example.com:443',
    'xn--bcher-kva.example', '*.example.com', '1e100.net', '١.٢.٣.٤',
  ];
  for (const c of cases) assert.equal(isIpLiteral(c), isIP(c) !== 0, JSON.stringify(c));
});

test('isIpLiteral agrees with net.isIP on 20,000 random dotted and colon-separated strings', () => {
  const next = prng(13);
  const pick = (xs: string): string => xs.charAt(Math.floor(next() * xs.length));
  for (let i = 0; i < 20_000; i++) {
    // Groups of 1–3 digits (or hex digits), 2–9 of them, joined by dots or colons.
    const sep = next() < 0.5 ? '.' : ':';
    const digits = sep === '.' ? '0123456789' : '0123456789abcdef';
    const groups: string[] = [];
    for (let g = 2 + Math.floor(next() * 8); g > 0; g--) {
      let part = '';
      for (let n = Math.floor(next() * 4); n > 0; n--) part += pick(digits);
      groups.push(part);
    }
    const s = groups.join(sep);
    assert.equal(isIpLiteral(s), isIP(s) !== 0, JSON.stringify(s));
  }
});

test('an IP host is covered by an IP SAN only, a name by a DNS SAN only', () => {
  const sans = [
    { type: 'IP', value: '10.0.0.1' },
    { type: 'DNS', value: '10.0.0.2' },
    { type: 'DNS', value: '*.example.com' },
  ] as const;
  assert.equal(sansCoverHost(sans, '10.0.0.1'), true);
  assert.equal(sansCoverHost(sans, '10.0.0.2'), false);
  assert.equal(sansCoverHost(sans, 'a.example.com'), true);
});
