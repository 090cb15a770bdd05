import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeCertificate, type CertificateSummary } from '../../server/src/core/x509/certificate';
import { certificateFacts } from '../../server/src/core/x509/facts';
import { dnsWithinSubtree, nameConstraintsViolation } from '../../server/src/core/x509/names';
import { DAY } from '../support/certs';
import { makeRaw, x509 } from '../support/certs-extra';
import { NOW } from '../support/lint';
import { caExtension, nameConstraintsExtension } from '../support/nameConstraints';
import { findTool } from '../support/tools';

const der = (pem: string): Uint8Array => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
const decode = (pem: string): CertificateSummary => {
  const d = decodeCertificate(der(pem));
  if (!d.ok) assert.fail(d.error);
  return d.cert;
};
const around = { notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 300 * DAY) };

const openssl = findTool('openssl');
let dir = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-nc-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** openssl's "IP:addr/mask" as "addr/prefix", the addresses as node writes them. */
function opensslIp(v: string): string {
  const [addr = '', mask = ''] = v.split('/');
  const norm = (a: string): string => (a.includes(':') ? new URL(`http://[${a}]/`).hostname.slice(1, -1) : a);
  const bits = mask.includes(':')
    ? mask.split(':').reduce((n, g) => n + (parseInt(g, 16) >>> 0).toString(2).replace(/0/g, '').length, 0)
    : mask.split('.').reduce((n, o) => n + Number(o).toString(2).replace(/0/g, '').length, 0);
  return `${norm(addr)}/${bits}`;
}

describe('Name Constraints decoding (RFC 5280 §4.2.1.10)', () => {
  test('a CA made by openssl: the same permitted and excluded subtrees as openssl prints', { skip: openssl.skip }, () => {
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '30', '-subj', '/CN=Constrained CA',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'nameConstraints=critical,permitted;DNS:example.com,permitted;DNS:.example.net,permitted;IP:10.0.0.0/255.0.0.0,permitted;IP:2001:db8::/ffff:ffff::,excluded;DNS:secret.example.com,excluded;email:.bad.example,excluded;URI:.evil.example'];
    const r = spawnSync(openssl.path!, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const c = decode(readFileSync(path.join(dir, 'c.pem'), 'utf8'));
    const text = spawnSync(openssl.path!, ['x509', '-in', 'c.pem', '-noout', '-ext', 'nameConstraints'], { cwd: dir, encoding: 'utf8' }).stdout;
    // openssl: "    Permitted:" / "      DNS:example.com" …
    const lists: Record<string, string[]> = { Permitted: [], Excluded: [] };
    let cur: string[] | undefined;
    for (const line of text.split('\n')) {
      const head = /^\s*(Permitted|Excluded):$/.exec(line);
      if (head) cur = lists[head[1]!];
      else if (cur && /^\s+\S+:/.test(line)) {
        const t = line.trim();
        const i = t.indexOf(':');
        const type = t.slice(0, i);
        const value = t.slice(i + 1);
        cur.push(`${type}:${type === 'IP' ? opensslIp(value) : value}`);
      }
    }
    assert.ok(lists.Permitted!.length === 4 && lists.Excluded!.length === 3, text);
    assert.ok(c.nameConstraints);
    assert.equal(c.nameConstraints.critical, true);
    assert.deepEqual(c.nameConstraints.permitted.map((t) => `${t.type}:${t.value}`), lists.Permitted);
    assert.deepEqual(c.nameConstraints.excluded.map((t) => `${t.type}:${t.value}`), lists.Excluded);
    assert.deepEqual(c.criticalUnknownExtensions, []);
  });

  test('directory names and the facts row; absent extension stays undefined', async () => {
    const pem = await makeRaw({ ...around, subject: 'CN=Dir CA', extensions: [caExtension(), nameConstraintsExtension({ permitted: ['DirName:CN=Example Org', 'IP:192.168.0.0/16'], excluded: ['DNS:'] }, false)] });
    const c = decode(pem);
    assert.deepEqual(c.nameConstraints, {
      permitted: [
        { type: 'DirName', value: 'CN=Example Org' },
        { type: 'IP', value: '192.168.0.0/16' },
      ],
      excluded: [{ type: 'DNS', value: '' }],
      critical: false,
    });
    const row = certificateFacts(c, NOW).find((f) => f.label === 'Name constraints');
    assert.deepEqual(row?.items, ['permitted DirName:CN=Example Org', 'permitted IP:192.168.0.0/16', 'excluded DNS:']);
    const plain = decode(await makeRaw({ ...around, extensions: [caExtension()] }));
    assert.equal(plain.nameConstraints, undefined);
    assert.equal(certificateFacts(plain, NOW).some((f) => f.label === 'Name constraints'), false);
  });

  test('a malformed Name Constraints value is a located problem (critical: an error), not a crash; the rest of the certificate reads', async () => {
    const bad = new x509.Extension('2.5.29.30', true, new Uint8Array([0x30, 0x03, 0x82, 0x01, 0x61]));
    const d = decodeCertificate(der(await makeRaw({ ...around, extensions: [bad] })));
    assert.ok(d.ok);
    assert.equal(d.cert.nameConstraints, undefined);
    assert.deepEqual(d.cert.problems.map((p) => [p.kind, p.severity, p.extension?.name]), [['malformed-extension', 'error', 'nameConstraints']]);
    assert.match(d.cert.problems[0]!.message, /nameConstraints: unexpected tag 0x82/);
  });
});

describe('DNS names against name constraints', () => {
  test('subtree membership: labels added on the left; a leading dot admits only names below; empty admits all', () => {
    const cases: Array<[string, string, boolean]> = [
      ['example.com', 'example.com', true],
      ['a.b.example.com', 'example.com', true],
      ['EXAMPLE.com.', 'example.com', true],
      ['badexample.com', 'example.com', false],
      ['example.com', '.example.com', false],
      ['a.example.com', '.example.com', true],
      ['anything.test', '', true],
      ['com', 'example.com', false],
    ];
    for (const [name, base, want] of cases) assert.equal(dnsWithinSubtree(name, base), want, `${name} in ${base}`);
  });

  test('excluded wins; permitted DNS subtrees limit DNS names; other name types do not', () => {
    const nc = { permitted: [{ type: 'DNS' as const, value: 'example.com' }, { type: 'IP' as const, value: '10.0.0.0/8' }], excluded: [{ type: 'DNS' as const, value: 'secret.example.com' }], critical: true };
    assert.equal(nameConstraintsViolation(nc, 'api.example.com'), undefined);
    assert.equal(nameConstraintsViolation(nc, 'x.secret.example.com'), 'exclude DNS:secret.example.com');
    assert.equal(nameConstraintsViolation(nc, 'api.example.org'), 'permit only DNS:example.com');
    assert.equal(nameConstraintsViolation({ permitted: [{ type: 'IP', value: '10.0.0.0/8' }], excluded: [], critical: true }, 'api.example.org'), undefined);
    assert.equal(nameConstraintsViolation(nc, '10.1.2.3'), undefined);
  });
});
