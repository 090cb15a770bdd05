// The cipher-string evaluator against the real thing: `openssl ciphers -V STRING` (and `-s`
// for the security level), for real-world and generated strings. TLS 1.3 suites, which OpenSSL
// prepends from its separate ciphersuites setting, are left out of both sides.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { evaluateCipherString } from '../../server/src/core/policy/ciphers/evaluate';
import { CIPHER_SUITES } from '../../server/src/core/policy/ciphers/table';
import { MOZILLA_PROFILES } from '../../server/src/core/policy/mozilla';
import { findTool, repoPath, toolsRequired } from '../support/tools';
import { prng } from '../support/random';

const openssl = findTool('openssl');

interface Oracle {
  ok: boolean;
  codes: number[];
  /** Kx of each suite (to leave PSK/SRP out of `-s` comparisons). */
  kx: string[];
}

function oracle(bin: string, s: string, supported = false): Oracle {
  // '--' so that a string starting with '-' is not read as an option.
  const args = supported ? ['ciphers', '-s', '-V', '--', s] : ['ciphers', '-V', '--', s];
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  // "no cipher match" / "Error in cipher list": OpenSSL configures nothing from this string.
  if (r.status !== 0) return { ok: false, codes: [], kx: [] };
  const codes: number[] = [];
  const kx: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - \S+\s+(\S+)\s+Kx=(\S+)/.exec(line);
    if (!m || m[3] === 'TLSv1.3') continue;
    codes.push(parseInt(`${m[1]}${m[2]}`, 16));
    kx.push(m[4] ?? '');
  }
  return { ok: true, codes, kx };
}

const hex = (c: number): string => `0x${c.toString(16).toUpperCase().padStart(4, '0')}`;

// Real-world strings: server defaults, generators, distributions, blog posts.
const REAL_WORLD: string[] = [
  'HIGH:!aNULL:!MD5', // nginx default (ssl_ciphers)
  'DEFAULT', // nginx proxy_ssl_ciphers default
  'ALL',
  'ALL:COMPLEMENTOFALL',
  'ALL:COMPLEMENTOFALL:@SECLEVEL=0',
  'COMPLEMENTOFDEFAULT',
  'COMPLEMENTOFALL',
  'DEFAULT:!RC4',
  'DEFAULT:@SECLEVEL=1',
  'DEFAULT@SECLEVEL=2',
  'DEFAULT:!EXPORT:!DES:!RC4:!3DES:!MD5:!PSK',
  'HIGH:!aNULL:!MD5:!RC4',
  'HIGH:MEDIUM:!MD5:!RC4:!3DES', // Apache httpd 2.4 default
  'HIGH:MEDIUM:!aNULL:!MD5',
  'ALL:!ADH:!EXPORT:!SSLv2:RC4+RSA:+HIGH:+MEDIUM', // Apache 2.2 example
  'ALL:!ADH:!EXPORT:!SSLv2:RC4+RSA:+HIGH:+MEDIUM:+LOW',
  'ALL:!ADH:RC4+RSA:+HIGH:+MEDIUM:-LOW:-SSLv2:-EXP',
  'EECDH+AESGCM:EDH+AESGCM', // cipherli.st
  'EECDH+AESGCM:EDH+AESGCM:AES256+EECDH:AES256+EDH',
  'AES128+EECDH:AES128+EDH',
  'EECDH+CHACHA20:EECDH+AES128:RSA+AES128:EECDH+AES256:RSA+AES256:EECDH+3DES:RSA+3DES:!MD5', // Cloudflare sslconfig
  'EECDH+CHACHA20:EECDH+CHACHA20-draft:EECDH+AES128:RSA+AES128:EECDH+AES256:RSA+AES256:EECDH+3DES:RSA+3DES:!MD5',
  'ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!MD5:!DSS',
  'kEECDH+ECDSA+AES128:kEECDH+ECDSA:kEECDH:EDH:-3DES:kRSA+AES128:kEDH:kRSA:-DES:!RC4:!aNULL:!eNULL:!MD5:!EXPORT:!LOW:!SEED:!CAMELLIA:!IDEA:!PSK:!SRP:!SSLv2',
  'aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH', // Postfix "medium"
  'ALL:!EXPORT:!LOW:+RC4:@STRENGTH', // Postfix
  'ALL:+RC4:@STRENGTH',
  'ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH', // Dovecot
  'DEFAULT:!aNULL:!eNULL:!MD5:!3DES:!DES:!RC4:!IDEA:!SEED:!aDSS:!SRP:!PSK', // CPython
  'ECDH+AESGCM:ECDH+CHACHA20:DH+AESGCM:DH+CHACHA20:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:ECDH+HIGH:DH+HIGH:RSA+AESGCM:RSA+AES:RSA+HIGH:!aNULL:!eNULL:!MD5:!DSS:!RC4',
  'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA', // Node.js
  // ingress-nginx default ssl-ciphers
  'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384',
  // Mozilla 5.7 intermediate (with DHE)
  'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305',
  // Mozilla 4.0 old
  'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA:DHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA:ECDHE-ECDSA-DES-CBC3-SHA:ECDHE-RSA-DES-CBC3-SHA:EDH-RSA-DES-CBC3-SHA:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA:!DSS',
  // HAProxy-style Mozilla strings with exclusions
  'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:!aNULL:!MD5:!DSS',
  'ECDH+AESGCM:DH+AESGCM:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:RSA+AESGCM:RSA+AES:!aNULL:!MD5:!DSS', // haproxy.com blog
  'EECDH+ECDSA+AESGCM:EECDH+aRSA+AESGCM:EECDH+ECDSA+SHA384:EECDH+ECDSA+SHA256:EECDH+aRSA+SHA384:EECDH+aRSA+SHA256:EECDH:EDH+aRSA:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!SRP:!DSS:!RC4',
  'EECDH+ECDSA+AESGCM:EECDH+aRSA+AESGCM:EECDH+ECDSA+SHA384:EECDH+ECDSA+SHA256:EECDH+aRSA+SHA384:EECDH+aRSA+SHA256:EECDH+aRSA+RC4:EECDH:EDH+aRSA:HIGH:!RC4:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!SRP:!DSS',
  'ECDHE-RSA-AES256-GCM-SHA512:DHE-RSA-AES256-GCM-SHA512:ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-SHA384',
  'HIGH:!aNULL:!eNULL:!EXPORT:!DES:!MD5:!PSK:!RC4',
  'HIGH:!aNULL:!eNULL:!LOW:!ADH:!RC4:!3DES:!MD5:!EXP:!PSK:!SRP:!DSS',
  'ALL:!aNULL:!ADH:!eNULL:!LOW:!EXP:RC4+RSA:+HIGH:+MEDIUM',
  'RC4:HIGH:!aNULL:!MD5',
  'RC4-SHA:AES128-SHA:ALL:!ADH:!EXP:!LOW:!MD5:!SSLV2:!NULL',
  'ECDHE-RSA-AES128-SHA256:AES128-GCM-SHA256:RC4:HIGH:!MD5:!aNULL:!EDH',
  'ECDHE-RSA-AES256-SHA384:AES256-SHA256:RC4:HIGH:!MD5:!aNULL:!eNULL:!NULL:!PSK:!SRP:!DSS',
  'EECDH+AES:EDH+AES:-SHA1:EECDH+RC4:EDH+RC4:RC4-SHA:EECDH+AES256:EDH+AES256:AES256-SHA:!aNULL:!eNULL:!EXP:!LOW:!MD5',
  'FIPS@STRENGTH:!aNULL:!eNULL',
  'FIPS:!aNULL:!eNULL:!SHA1',
  'PROFILE=SYSTEM', // Red Hat crypto-policies (not an OpenSSL keyword)
  'SUITEB128',
  'SUITEB128ONLY',
  'SUITEB128C2',
  'SUITEB192',
  'SUITEB128:ALL',
  'kECDHE:kDHE:kRSA',
  'TLSv1.2',
  'TLSv1.2:!aNULL',
  'SSLv3:TLSv1',
  'AESGCM:!PSK:!aNULL',
  'CHACHA20:AESGCM',
  'AESCCM8:AESCCM',
  'CAMELLIA:ARIA:!aNULL',
  'SHA256:SHA384:!aNULL',
  'HIGH:-SHA1:+SHA256',
  'ECDSA:RSA',
  'aECDSA:aRSA:!kRSA',
  'PSK:SRP',
  'ECDHEPSK:DHEPSK:RSAPSK',
  'kECDHEPSK:kDHEPSK:kRSAPSK:kPSK',
  'ADH:AECDH:@STRENGTH',
  'eNULL:NULL',
  'MD5:SHA1',
  'LOW:MEDIUM:EXPORT',
  '3DES:DES:RC4:SEED:IDEA',
  // Syntax corners
  '',
  ':',
  ' HIGH ',
  'HIGH!MD5',
  'HIGH;AES128',
  'HIGH,AES128 kRSA',
  '!:HIGH',
  'HIGH:!',
  'HIGH+',
  'HIGH_X',
  'HIGH\tAES',
  'HIGH:(',
  '@STRENGTH',
  'ALL:@STRENGTH',
  'ALL:@SECLEVEL=6',
  'ALL:@SECLEVEL=12',
  'ALL:@SECLEVEL=x',
  'ALL:@FOO',
  '@SECLEVEL=0:ALL',
  'ALL:@STRENGTH+FOO:-SHA1',
  'DEFAULTX',
  'DEFAULT:',
  'DEFAULT::HIGH',
  'xDEFAULT',
  'HIGH:DEFAULT',
  'DEFAULT+AES',
  '-ALL:ALL',
  'ALL:-HIGH:HIGH',
  'ALL:-SHA1:+aRSA',
  'ALL:!HIGH:HIGH',
  'ALL:-AESGCM:ECDHE',
  'ECDHE-RSA-AES128-GCM-SHA256+HIGH',
  'ECDHE-RSA-AES128-GCM-SHA256+FIPS',
  'ECDHE-RSA-AES128-GCM-SHA256+TLSv1',
  'AES128-SHA+TLSv1.2:AES128-SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'HIGH:FOO!MD5',
  'kEDH+aNULL',
  'EDH+aNULL:ADH',
  'TLSv1.2+SSLv3:HIGH',
  'AES+CHACHA20:HIGH',
  'HIGH+FIPS:MEDIUM',
  'ALL:+AES256:+SHA1:@STRENGTH:-aNULL',
  'ALL:!COMPLEMENTOFDEFAULT',
  'COMPLEMENTOFDEFAULT:ALL',
  'AES256:AES128:@STRENGTH',
  'ECDHE:DHE:+SHA1:+SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384',
  'high:aes',
  'CBC',
  'CBC:!SHA1',
  'TLSv1.0:TLSv1.1',
];

// Mozilla's profiles as the project carries them (6.0 intermediate, 5.8 old).
for (const profile of Object.values(MOZILLA_PROFILES)) {
  const s = profile.ciphers.openssl.join(':');
  if (s) REAL_WORLD.push(s, `${s}:!aNULL:!MD5`, `${s}:@STRENGTH`);
}


const WORDS = [
  'ALL', 'COMPLEMENTOFALL', 'COMPLEMENTOFDEFAULT', 'HIGH', 'MEDIUM', 'LOW', 'FIPS', 'eNULL', 'NULL', 'aNULL', 'kRSA', 'RSA',
  'kECDHE', 'ECDHE', 'EECDH', 'kEECDH', 'ECDH', 'kDHE', 'DHE', 'EDH', 'kEDH', 'DH', 'ADH', 'AECDH', 'aRSA', 'aECDSA', 'ECDSA',
  'aDSS', 'DSS', 'aPSK', 'PSK', 'kPSK', 'kECDHEPSK', 'kDHEPSK', 'kRSAPSK', 'SRP', 'kSRP', 'aSRP', 'AES', 'AES128', 'AES256',
  'AESGCM', 'AESCCM', 'AESCCM8', 'CHACHA20', 'CAMELLIA', 'CAMELLIA128', 'CAMELLIA256', 'ARIA', 'ARIAGCM', 'ARIA128', 'ARIA256',
  '3DES', 'DES', 'RC4', 'SEED', 'IDEA', 'SHA1', 'SHA', 'SHA256', 'SHA384', 'MD5', 'TLSv1.2', 'TLSv1', 'TLSv1.0', 'SSLv3', 'CBC',
  'EXPORT', 'FOO', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'AES128-SHA', 'DHE-RSA-AES256-SHA256',
  'ADH-AES128-SHA', 'NULL-MD5', 'PSK-AES128-CBC-SHA', 'ECDHE-RSA-NULL-SHA',
];

function generated(count: number, seed: number): string[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const items: string[] = [];
    const first = rnd();
    if (first < 0.15) items.push('DEFAULT');
    else if (first < 0.35) items.push('ALL');
    const n = 1 + Math.floor(rnd() * 6);
    for (let i = 0; i < n; i++) {
      const r = rnd();
      if (r < 0.06) {
        items.push('@STRENGTH');
        continue;
      }
      if (r < 0.09) {
        items.push(`@SECLEVEL=${Math.floor(rnd() * 6)}`);
        continue;
      }
      const prefix = pick(['', '', '', '!', '-', '-', '+', '+']);
      const parts = 1 + (rnd() < 0.35 ? 1 : 0) + (rnd() < 0.1 ? 1 : 0);
      const words = Array.from({ length: parts }, () => pick(WORDS));
      items.push(prefix + words.join('+'));
    }
    const sep = pick([':', ':', ':', ',', ' ', ';']);
    out.push(items.join(sep));
  }
  return out;
}

const GENERATED = generated(300, 20260422);

describe('OpenSSL cipher strings', () => {
  test('expand exactly as `openssl ciphers -V` does (TLS <= 1.2 suites, same order)', { skip: openssl.skip }, (t) => {
    const bin = openssl.path ?? 'openssl';
    const strings = [...REAL_WORLD, ...GENERATED];
    const failures: string[] = [];
    let exact = 0;
    let supported = 0;
    for (const s of strings) {
      const want = oracle(bin, s);
      const got = evaluateCipherString(s);
      const gotCodes = got.suites.map((x) => x.code);
      if (want.ok) supported++;
      const same = want.codes.length === gotCodes.length && want.codes.every((c, i) => c === gotCodes[i]) && got.valid === want.ok;
      if (same) exact++;
      else {
        const firstDiff = want.codes.findIndex((c, i) => c !== gotCodes[i]);
        failures.push(
          `${JSON.stringify(s)}: openssl ${want.ok ? want.codes.length : 'rejects'} / evaluator ${got.valid ? gotCodes.length : 'rejects'}` +
            (firstDiff >= 0 ? ` (first difference at #${firstDiff}: ${hex(want.codes[firstDiff] ?? 0)} vs ${hex(gotCodes[firstDiff] ?? 0)})` : ''),
        );
      }
    }
    const message = `cipher strings: ${exact}/${strings.length} exact (${REAL_WORLD.length} real-world, ${GENERATED.length} generated; ${supported} accepted by OpenSSL)`;
    t.diagnostic(message);
    assert.deepEqual(failures, [], `${message}\n${failures.slice(0, 20).join('\n')}`);
  });

  test('the security level keeps what `openssl ciphers -s` keeps (PSK/SRP aside: they need callbacks there)', { skip: openssl.skip }, () => {
    const bin = openssl.path ?? 'openssl';
    const strings = ['ALL:COMPLEMENTOFALL', 'HIGH:!aNULL:!MD5', 'DEFAULT', ...[0, 1, 2, 3, 4, 5].map((n) => `ALL:COMPLEMENTOFALL:@SECLEVEL=${n}`), 'ALL:@SECLEVEL=3:@STRENGTH'];
    for (const s of strings) {
      const want = oracle(bin, s, true);
      const got = evaluateCipherString(s);
      const noCallbacks = (kx: string): boolean => !/PSK|SRP/.test(kx);
      const wantCodes = want.codes.filter((_, i) => noCallbacks(want.kx[i] ?? ''));
      const gotCodes = got.usable.filter((x) => noCallbacks(x.local?.kx ?? '')).map((x) => x.code);
      assert.deepEqual(gotCodes.map(hex), wantCodes.map(hex), s);
    }
  });

  test('locates unknown words and syntax errors', () => {
    const r = evaluateCipherString('HIGH:!aNULL:FOO:!MD5:TLS_AES_128_GCM_SHA256');
    assert.equal(r.valid, true);
    assert.deepEqual(
      r.problems.map((p) => [p.kind, p.offset, p.length]),
      [
        ['unknown', 12, 3],
        ['no-match', 21, 22],
      ],
    );
    const iana = evaluateCipherString('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:HIGH');
    assert.match(iana.problems[0]?.message ?? '', /ECDHE-RSA-AES128-GCM-SHA256/);
    const bad = evaluateCipherString('HIGH:@SECLEVEL=9');
    assert.equal(bad.valid, false);
    assert.deepEqual(bad.suites, []);
    assert.deepEqual(bad.problems.map((p) => [p.kind, p.offset]), [['syntax', 6]]);
    const afterDefault = evaluateCipherString('DEFAULT:BAR');
    assert.deepEqual(afterDefault.problems.map((p) => [p.kind, p.offset, p.length]), [['unknown', 8, 3]]);
    const empty = evaluateCipherString('!ALL:HIGH');
    assert.equal(empty.valid, false);
    assert.equal(empty.problems.at(-1)?.kind, 'empty');
  });

  test('the security level defaults to 2 and follows @SECLEVEL', () => {
    assert.equal(evaluateCipherString('HIGH').securityLevel, 2);
    assert.equal(evaluateCipherString('HIGH', 1).securityLevel, 1);
    assert.equal(evaluateCipherString('HIGH:@SECLEVEL=0').securityLevel, 0);
    const adh = evaluateCipherString('ADH-AES128-SHA:AES128-SHA');
    assert.deepEqual(adh.usable.map((s) => s.openssl), ['AES128-SHA']);
    assert.deepEqual(evaluateCipherString('ADH-AES128-SHA:@SECLEVEL=0').usable.map((s) => s.openssl), ['ADH-AES128-SHA']);
  });
});

describe('cipher table', () => {
  test('has IANA and OpenSSL names and flags for every suite', () => {
    const byName = new Map(CIPHER_SUITES.map((s) => [s.openssl, s]));
    const gcm = byName.get('ECDHE-RSA-AES128-GCM-SHA256');
    assert.equal(gcm?.code, 0xc02f);
    assert.equal(gcm?.iana, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    assert.equal(gcm?.forwardSecrecy, true);
    assert.equal(gcm?.aead, true);
    assert.equal(gcm?.local?.strength, 'HIGH');
    const rsa = byName.get('AES128-SHA');
    assert.equal(rsa?.forwardSecrecy, false);
    assert.equal(rsa?.aead, false);
    assert.equal(byName.get('DES-CBC3-SHA')?.enc, '3DES');
  });

  const mapping = '/etc/testssl/cipher-mapping.txt';
  const missing = existsSync(mapping) ? undefined : `${mapping} is missing (apt-get install testssl.sh); skipped`;
  if (missing && toolsRequired) throw new Error(`${missing.replace('; skipped', '')}, and TLS_LENS_REQUIRE_TOOLS=1 requires it`);
  test('is what scripts/gen-cipher-table.mjs generates now', { skip: missing ?? openssl.skip }, () => {
    const r = spawnSync(process.execPath, [repoPath('scripts', 'gen-cipher-table.mjs'), mapping, '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr || r.stdout);
  });
});
