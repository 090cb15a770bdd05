// Generates server/src/core/policy/ciphers/table.ts: every TLS/SSL cipher suite with its
// code, IANA and OpenSSL names and properties, plus what the cipher-string evaluator
// (server/src/core/policy/ciphers/evaluate.ts) needs about the suites the local OpenSSL offers.
//
// Sources:
//   1. /etc/testssl/cipher-mapping.txt (Debian package testssl.sh): code, OpenSSL name,
//      IANA name, protocol, Kx, Au, Enc(bits), Mac of 370 suites.
//   2. The local `openssl ciphers` (OpenSSL 3.0): which suites it knows, their Kx/Au/Enc/Mac
//      and minimum protocol (`-V 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'`), their strength class
//      and DEFAULT membership (`-V 'HIGH'`, `'MEDIUM'`, `'LOW'`, `'FIPS'`,
//      `'COMPLEMENTOFDEFAULT'`), and OpenSSL's built-in preference order (see masterOrder()).
//
//   node scripts/gen-cipher-table.mjs [MAPPING_FILE] [--openssl PATH]   (writes the file)
//   node scripts/gen-cipher-table.mjs [MAPPING_FILE] --check            (exit 1 if out of date)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
export const outFile = join(root, 'server', 'src', 'core', 'policy', 'ciphers', 'table.ts');
export const defaultMappingFile = '/etc/testssl/cipher-mapping.txt';

/** Parses testssl.sh's cipher-mapping.txt. */
export function parseMapping(text) {
  const suites = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 9 || f[1] !== '-') continue;
    const bytes = f[0].split(',').map((b) => parseInt(b, 16));
    const field = (prefix) => {
      const v = f.find((x) => x.startsWith(prefix));
      if (v === undefined) throw new Error(`no ${prefix} in ${line}`);
      return v.slice(prefix.length);
    };
    const enc = /^(.*)\((\d+)\)$/.exec(field('Enc='));
    suites.push({
      bytes,
      openssl: f[2] === '-' ? null : f[2],
      iana: f[3],
      protocol: f[4],
      kx: field('Kx='),
      au: field('Au='),
      enc: enc ? enc[1] : field('Enc='),
      bits: enc ? Number(enc[2]) : 0,
      mac: field('Mac='),
      export: f.includes('export'),
    });
  }
  return suites;
}

function runOpenssl(openssl, cipherString) {
  const r = spawnSync(openssl, ['ciphers', '-V', cipherString], { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) return [];
  return r.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const m = /^\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+(\S+)\s+Kx=(\S+)\s+Au=(\S+)\s+Enc=(\S+?)(?:\((\d+)\))?\s+Mac=(\S+)/.exec(l);
      if (!m) throw new Error(`unexpected openssl output: ${l}`);
      return {
        code: parseInt(m[1] + m[2], 16),
        name: m[3],
        minTls: m[4],
        kx: m[5],
        au: m[6],
        enc: m[7],
        bits: m[8] === undefined ? 0 : Number(m[8]),
        mac: m[9],
      };
    })
    .filter((s) => s.minTls !== 'TLSv1.3'); // those come from the TLS 1.3 ciphersuites, not the cipher string
}

/**
 * OpenSSL's built-in preference order of its TLS ≤ 1.2 suites (ssl_create_cipher_list sorts
 * every available suite before it reads a cipher string: ECDHE first, AES-GCM > ChaCha20 > other
 * AES > the rest, MD5, anonymous, kRSA, kPSK and RC4 moved back, then a stable sort by
 * strength bits, then TLS 1.2-only suites, AEAD, (EC)DHE and (EC)DHE+AEAD bumped to the front).
 * That order is not printed directly, but every alias added in one step comes out in it; so the
 * chains printed for every alias are merged by a topological sort. Two suites that share no alias
 * (e.g. AECDH-NULL-SHA and RSA-PSK-AES256-GCM-SHA384) are never compared by a single rule, so
 * their relative order cannot matter; such ties go to the suite listed first by
 * 'ALL:COMPLEMENTOFALL' (\`codes\`).
 */
function masterOrder(openssl, codes) {
  // Every alias of OpenSSL 3.0 that matches a local suite (its subsets and combinations add nothing).
  const aliases = ['ALL', 'COMPLEMENTOFALL', 'COMPLEMENTOFDEFAULT', 'kRSA', 'kECDHE', 'kDHE', 'kPSK', 'kRSAPSK', 'kDHEPSK',
    'kECDHEPSK', 'kSRP', 'DH', 'ECDH', 'PSK', 'aRSA', 'aECDSA', 'aDSS', 'aNULL', 'aPSK', 'aSRP', 'SHA1', 'SHA256', 'SHA384',
    'MD5', 'eNULL', 'AES', 'CAMELLIA', 'ARIA', 'CHACHA20', 'AESGCM', 'AESCCM', 'TLSv1.2', 'TLSv1', 'SSLv3', 'HIGH', 'MEDIUM',
    'LOW', 'FIPS', 'CBC'];
  const after = new Map(codes.map((c) => [c, new Set()]));
  const indeg = new Map(codes.map((c) => [c, 0]));
  for (const a of aliases) {
    const chain = runOpenssl(openssl, `${a}:@SECLEVEL=0`).map((s) => s.code);
    for (let i = 0; i + 1 < chain.length; i++) {
      const [x, y] = [chain[i], chain[i + 1]];
      if (!after.get(x).has(y)) {
        after.get(x).add(y);
        indeg.set(y, indeg.get(y) + 1);
      }
    }
  }
  const listed = new Map(codes.map((c, i) => [c, i]));
  const order = [];
  const ready = codes.filter((c) => indeg.get(c) === 0);
  while (ready.length) {
    ready.sort((a, b) => listed.get(a) - listed.get(b));
    const c = ready.shift();
    order.push(c);
    for (const y of after.get(c)) {
      indeg.set(y, indeg.get(y) - 1);
      if (indeg.get(y) === 0) ready.push(y);
    }
  }
  if (order.length !== codes.length) throw new Error('OpenSSL order has a cycle');
  return order;
}

function hex(bytes) {
  return bytes.map((b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(',');
}

export function generate(mappingFile = defaultMappingFile, openssl = 'openssl') {
  const mapping = parseMapping(readFileSync(mappingFile, 'utf8'));
  const version = spawnSync(openssl, ['version'], { encoding: 'utf8' }).stdout.trim();
  const local = runOpenssl(openssl, 'ALL:COMPLEMENTOFALL:@SECLEVEL=0');
  const member = (alias) => new Set(runOpenssl(openssl, `${alias}:@SECLEVEL=0`).map((s) => s.code));
  const high = member('HIGH');
  const medium = member('MEDIUM');
  const low = member('LOW');
  const fips = member('FIPS');
  const notDefault = member('COMPLEMENTOFDEFAULT');
  const order = masterOrder(openssl, local.map((s) => s.code));
  const rank = new Map(order.map((c, i) => [c, i]));
  const byCode = new Map(local.map((s) => [s.code, s]));

  const seen = new Set();
  const rows = [];
  for (const m of mapping) {
    const code = m.bytes.reduce((a, b) => a * 256 + b, 0);
    if (seen.has(hex(m.bytes))) throw new Error(`duplicate code ${hex(m.bytes)}`);
    seen.add(hex(m.bytes));
    const o = m.bytes.length === 2 ? byCode.get(code) : undefined;
    if (o && m.openssl !== o.name) throw new Error(`name mismatch for ${hex(m.bytes)}: ${m.openssl} vs ${o.name}`);
    const kx = m.kx.replace(/\(\d+\)$/, '');
    const row = {
      code,
      hex: hex(m.bytes),
      iana: m.iana,
      openssl: m.openssl,
      protocol: m.protocol,
      kx,
      au: m.au,
      enc: m.enc,
      bits: m.bits,
      mac: m.mac,
      forwardSecrecy: ['DH', 'ECDH', 'DHEPSK', 'ECDHEPSK', 'CECPQ1', 'any'].includes(kx),
      aead: m.mac === 'AEAD',
      export: m.export,
    };
    if (o) {
      row.local = {
        rank: rank.get(code),
        minTls: o.minTls,
        kx: o.kx,
        au: o.au,
        enc: o.enc,
        bits: o.bits,
        mac: o.mac,
        strength: high.has(code) ? 'HIGH' : medium.has(code) ? 'MEDIUM' : low.has(code) ? 'LOW' : 'NONE',
        fips: fips.has(code),
        inDefault: !notDefault.has(code),
      };
    }
    rows.push(row);
  }
  for (const s of local) if (!seen.has(hex([s.code >> 8, s.code & 0xff]))) throw new Error(`${s.name} is missing from ${mappingFile}`);

  const q = (v) => JSON.stringify(v);
  const lines = rows.map((r) => {
    const l = r.local;
    const localText = l
      ? `, local: { rank: ${l.rank}, minTls: ${q(l.minTls)}, kx: ${q(l.kx)}, au: ${q(l.au)}, enc: ${q(l.enc)}, bits: ${l.bits}, mac: ${q(l.mac)}, strength: ${q(l.strength)}, fips: ${l.fips}, inDefault: ${l.inDefault} }`
      : '';
    return `  { code: 0x${r.code.toString(16).toUpperCase().padStart(r.hex.length > 9 ? 6 : 4, '0')}, hex: ${q(r.hex)}, iana: ${q(r.iana)}, openssl: ${q(r.openssl)}, protocol: ${q(r.protocol)}, kx: ${q(r.kx)}, au: ${q(r.au)}, enc: ${q(r.enc)}, bits: ${r.bits}, mac: ${q(r.mac)}, forwardSecrecy: ${r.forwardSecrecy}, aead: ${r.aead}, export: ${r.export}${localText} },`;
  });
  return `// Generated by scripts/gen-cipher-table.mjs. Do not edit; regenerate with
//   node scripts/gen-cipher-table.mjs ${mappingFile}
// Sources: ${mappingFile} (Debian package testssl.sh: codes, IANA and OpenSSL names,
// properties of ${rows.length} suites) and \`openssl ciphers -V\` of ${version} ('ALL:COMPLEMENTOFALL:@SECLEVEL=0'
// for the ${local.length} TLS <= 1.2 suites it offers; 'HIGH', 'MEDIUM', 'LOW', 'FIPS', 'COMPLEMENTOFDEFAULT'
// for their classes; many aliases for its built-in preference order, \`local.rank\`).
import type { CipherSuite } from './types';

export const OPENSSL_VERSION = ${q(version)};

export const CIPHER_SUITES: readonly CipherSuite[] = [
${lines.join('\n')}
];
`;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--openssl');
  const openssl = i >= 0 ? argv[i + 1] : 'openssl';
  const positional = argv.filter((a, k) => !a.startsWith('--') && !(i >= 0 && k === i + 1));
  const mappingFile = positional[0] ?? defaultMappingFile;
  const text = generate(mappingFile, openssl);
  if (argv.includes('--check')) {
    const current = readFileSync(outFile, 'utf8');
    if (current !== text) {
      console.error(`${outFile} is out of date: run node scripts/gen-cipher-table.mjs ${mappingFile}`);
      process.exit(1);
    }
    console.log(`${outFile} is up to date`);
  } else {
    writeFileSync(outFile, text);
    console.log(`wrote ${outFile}`);
  }
}
