/** The stapled-response reader against responses made by the real `openssl ocsp`. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { parseOcspStaple } from '../../server/src/core/probe/ocsp';
import { parseHsts } from '../../server/src/core/probe/hsts';
import { findTool } from '../support/tools';

const openssl = findTool('openssl');
let dir = '';

before(() => {
  if (!openssl.skip) dir = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-ocsp-'));
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

function sh(args: string[]): void {
  const r = spawnSync(openssl.path!, args, { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

/** A CA, a leaf with the given serial, and a response with the given index status (V good, R revoked). */
function response(serialHex: string, status: 'V' | 'R'): Buffer {
  sh(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '5', '-subj', '/CN=OCSP Test CA']);
  sh(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=leaf.test']);
  sh(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', `0x${serialHex}`, '-days', '3', '-out', 'leaf.crt']);
  const revoked = status === 'R' ? '261201000000Z' : '';
  writeFileSync(path.join(dir, 'index.txt'), `${status}\t301201000000Z\t${revoked}\t${serialHex}\tunknown\t/CN=leaf.test\n`);
  sh(['ocsp', '-issuer', 'ca.crt', '-cert', 'leaf.crt', '-reqout', 'req.der', '-no_nonce']);
  sh(['ocsp', '-index', 'index.txt', '-rsigner', 'ca.crt', '-rkey', 'ca.key', '-CA', 'ca.crt', '-reqin', 'req.der', '-respout', 'resp.der', '-ndays', '1']);
  return readFileSync(path.join(dir, 'resp.der'));
}

test('good and revoked responses, matched by serial however it is padded', { skip: openssl.skip ?? false }, () => {
  const good = parseOcspStaple(response('0ABCDE', 'V'), 'ABCDE');
  assert.equal(good.status, 'good', good.problem);
  assert.ok(good.thisUpdate && good.nextUpdate && Date.parse(good.nextUpdate) > Date.parse(good.thisUpdate));
  assert.equal(parseOcspStaple(response('0ABCDE', 'V'), '0ABCDE').status, 'good');
  assert.match(parseOcspStaple(response('0ABCDE', 'V'), '123456').problem ?? '', /another certificate/);
  assert.equal(parseOcspStaple(response('7F01', 'R'), '7F01').status, 'revoked');
});

test('garbage and error statuses are problems, never exceptions', () => {
  assert.match(parseOcspStaple(Buffer.from('not der')).problem ?? '', /does not parse/);
  assert.match(parseOcspStaple(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x03])).problem ?? '', /tryLater/);
  assert.match(parseOcspStaple(Buffer.from([0x30, 0x80])).problem ?? '', /does not parse/);
});

test('HSTS header parsing (RFC 6797 §6.1)', () => {
  assert.deepEqual(parseHsts('max-age=31536000; includeSubDomains; preload'), { present: true, raw: 'max-age=31536000; includeSubDomains; preload', maxAge: 31536000, includeSubDomains: true, preload: true });
  assert.equal(parseHsts('MAX-AGE="600"').maxAge, 600);
  assert.match(parseHsts('includeSubDomains').invalid ?? '', /max-age is missing/);
  assert.match(parseHsts('max-age=1; max-age=2').invalid ?? '', /more than once/);
  assert.match(parseHsts('max-age=abc').invalid ?? '', /no valid number/);
  assert.deepEqual(parseHsts(undefined), { present: false });
});
