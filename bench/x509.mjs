// Certificate decoding benchmark: TLS Lens decoding and judging the system CA bundle
// (Debian: /etc/ssl/certs/ca-certificates.crt, ~150 certificates) against node:crypto's
// X509Certificate parsing the same certificates, in the same process, alternating runs.
// Usage: node bench/x509.mjs [--runs N] [--bundle FILE]  (needs `npx tsc -b` first)
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const core = require(join(root, 'out/server/src/core/index.js'));
const { clearDecodeCache, decodeCount } = require(join(root, 'out/server/src/core/x509/certificate.js'));

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const RUNS = Number(arg('--runs', 31));
const bundle = arg('--bundle', '/etc/ssl/certs/ca-certificates.crt');
if (!existsSync(bundle)) {
  console.log(`x509 benchmark skipped: ${bundle} not found (apt-get install ca-certificates)`);
  process.exit(0);
}
const text = readFileSync(bundle, 'utf8');
const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const time = (fn) => {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};

/** node:crypto: parse every certificate (the reference figure). */
function nodeParse() {
  let n = 0;
  for (const pem of pems) n += new X509Certificate(pem).raw.length;
  return n;
}

/** node:crypto: parse every certificate and read what a front shows (subject, issuer, dates, SANs, key, fingerprints). */
function nodeCrypto() {
  let n = 0;
  for (const pem of pems) {
    const c = new X509Certificate(pem);
    n += c.subject.length + c.issuer.length + c.validTo.length + (c.subjectAltName?.length ?? 0) + c.fingerprint256.length + c.fingerprint.length;
    n += c.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  }
  return n;
}

const policy = core.resolvePolicy();
const now = new Date();
/** TLS Lens: scan the PEM, decode every certificate, run every rule on the file. */
function tlsLens() {
  return core.lintDocument(new core.TextDoc('ca-certificates.crt', text), { policy, now }).length;
}

// Warm up both (JIT, lazily loaded modules), then alternate.
for (let i = 0; i < 5; i++) {
  nodeParse();
  nodeCrypto();
  clearDecodeCache();
  tlsLens();
}
const parse = [];
const node = [];
const cold = [];
const warm = [];
let decodedCold = 0;
let decodedWarm = 0;
for (let i = 0; i < RUNS; i++) {
  parse.push(time(nodeParse));
  node.push(time(nodeCrypto));
  clearDecodeCache();
  const before = decodeCount();
  cold.push(time(tlsLens));
  decodedCold = decodeCount() - before;
  const again = decodeCount();
  warm.push(time(tlsLens));
  decodedWarm = decodeCount() - again;
}
const ms = (x) => `${x.toFixed(1)} ms`;
const n = median(parse);
console.log(`x509 benchmark — ${pems.length} certificates from ${bundle}, ${RUNS} runs each, medians (${new Date().toISOString()}, node ${process.version})`);
console.log(`reference: node:crypto new X509Certificate() per block      ${ms(n)}`);
console.log(`node:crypto parse + read the fields a hover shows           ${ms(median(node))}  (${(median(node) / n).toFixed(2)}×)`);
console.log(`TLS Lens: lint the bundle, cold cache (decode + judge)      ${ms(median(cold))}  (${(median(cold) / n).toFixed(2)}× node:crypto; goal ≤ 2×; ${decodedCold} decodes)`);
console.log(`TLS Lens: re-lint, unchanged certificates (cached)          ${ms(median(warm))}  (${(median(warm) / n).toFixed(2)}× node:crypto; ${decodedWarm} decodes)`);
