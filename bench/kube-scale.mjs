// Scale benchmark for the Kubernetes rules: a generated workspace of 2,000 YAML files with
// 10,000 resources, 500 of them TLS Secrets (distinct certificates), 500 Ingresses naming
// them across files. Measures (medians): indexing + linting every file in process, the
// re-lint of one edited Ingress with its cross-file checks, the CLI on the folder, and the
// language server's time to its first and its complete (cross-file) diagnostics for an opened
// Ingress, and its memory once it has indexed the workspace.
// Usage: node bench/kube-scale.mjs [--runs N]   (needs `npx tsc -b` and `node scripts/bundle.mjs`)
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import x509 from '@peculiar/x509';

const root = resolve(import.meta.dirname, '..');
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const loadAtStart = loadAverage();
const require = createRequire(import.meta.url);
const core = require(join(root, 'out/server/src/core/index.js'));
const { NodeHost } = require(join(root, 'out/server/src/host/nodeHost.js'));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const GROUPS = 500;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(1)} ms`;
const now = () => Number(process.hrtime.bigint()) / 1e6;

x509.cryptoProvider.set(webcrypto);
const EC = { name: 'ECDSA', namedCurve: 'P-256' };
async function cert(i) {
  const keys = await webcrypto.subtle.generateKey(EC, false, ['sign', 'verify']);
  const c = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (0x100000 + i).toString(16),
    name: `CN=app${i}.example.test`,
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 200 * 86_400_000),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    keys,
    // Every 10th certificate misses the api host: the workspace has findings to report.
    extensions: [new x509.SubjectAlternativeNameExtension(i % 10 ? [{ type: 'dns', value: `app${i}.example.test` }, { type: 'dns', value: `api.app${i}.example.test` }] : [{ type: 'dns', value: `app${i}.example.test` }])],
  });
  return c.toString('pem');
}

const cm = (name, ns) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  key: value\n`;
const ingress = (i, ns, extra = '') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: ${ns}
  annotations:
    nginx.ingress.kubernetes.io/backend-protocol: "HTTPS"
    nginx.ingress.kubernetes.io/proxy-ssl-verify: "on"
    nginx.ingress.kubernetes.io/proxy-ssl-secret: "${ns}/ca"${extra}
spec:
  tls:
    - hosts: [app${i}.example.test, api.app${i}.example.test]
      secretName: tls
  rules:
    - host: app${i}.example.test
    - host: api.app${i}.example.test
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec:
  ports: [{port: 443}]
${cm('a', ns)}${cm('b', ns)}${cm('c', ns)}`;

const dir = mkdtempSync(join(tmpdir(), 'tls-lens-kube-scale-'));
let resources = 0;
const certs = await Promise.all(Array.from({ length: GROUPS }, (_, i) => cert(i)));
for (let i = 0; i < GROUPS; i++) {
  const ns = `team${i}`;
  const d = join(dir, `app${i}`);
  mkdirSync(d);
  writeFileSync(join(d, 'ingress.yaml'), ingress(i, ns));
  writeFileSync(join(d, 'secret.yaml'), `apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\n  namespace: ${ns}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${Buffer.from(certs[i]).toString('base64')}\n  tls.key: ${Buffer.from('placeholder').toString('base64')}\n${cm('d', ns)}${cm('e', ns)}${cm('f', ns)}${cm('g', ns)}`);
  writeFileSync(join(d, 'deploy.yaml'), `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ${ns}}\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n${cm('h', ns)}${cm('i', ns)}${cm('j', ns)}${cm('k', ns)}`);
  writeFileSync(join(d, 'istio.yaml'), `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: db, namespace: ${ns}}\nspec:\n  host: db.${ns}.svc.cluster.local\n  trafficPolicy:\n    tls: {mode: ISTIO_MUTUAL}\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: ${ns}}\nspec:\n  mtls: {mode: STRICT}\n${cm('l', ns)}${cm('m', ns)}${cm('n', ns)}`);
  resources += 20;
}
const files = [];
for (let i = 0; i < GROUPS; i++) for (const f of ['ingress.yaml', 'secret.yaml', 'deploy.yaml', 'istio.yaml']) files.push(join(dir, `app${i}`, f));

// As the CLI reads files (blocking calls: a batch run).
const host = new NodeHost({ blocking: true });
const policy = core.resolvePolicy();
const when = new Date();
let findings = 0;
let index;
const full = [];
const fullCpu = [];
for (let r = 0; r < RUNS; r++) {
  const t = now();
  const cpu = process.cpuUsage();
  // As the CLI does: index every file, then lint each with the bytes the index read.
  const cached = new core.IndexedFilesHost(host);
  index = await core.indexFiles(host, files.map((f) => ({ path: f, name: f })), policy.maxFileSizeBytes, undefined, undefined, cached);
  let n = 0;
  for (const f of files) {
    const res = await core.lintFile(cached, f, f, { policy, now: when, kubeIndex: index });
    n += res.findings?.length ?? 0;
  }
  full.push(now() - t);
  const used = process.cpuUsage(cpu);
  fullCpu.push((used.user + used.system) / 1000);
  findings = n;
}

// What the yaml package alone costs on these files (the floor for any full lint), as many
// times right after, so that the ratio compares times taken under the same load. (Not
// between the runs above: each run would pay for collecting the other's garbage.)
const { parseAllDocuments } = require(join(root, 'node_modules/yaml'));
const texts = files.map((f) => readFileSync(f, 'utf8'));
const yamlOnly = [];
for (let r = 0; r < RUNS; r++) {
  const y0 = now();
  for (const t of texts) parseAllDocuments(t);
  yamlOnly.push(now() - y0);
}

// One Ingress edited (as in an editor): the index takes the new text, then the document is linted.
const target = files[4 * 250];
const original = readFileSync(target, 'utf8');
const relint = [];
for (let r = 0; r < Math.max(RUNS * 6, 30); r++) {
  const text = r % 2 ? original : ingress(250, 'team250', `\n    x-edit: "${r}"`);
  const t = now();
  index.setFile(target, text);
  const out = core.lintDocument(new core.TextDoc(target, text), { policy, now: when, kubeIndex: index });
  relint.push(now() - t);
  if (!out.some((f) => f.ruleId === 'ingress/certificate-mismatch')) throw new Error('the edited Ingress lost its cross-file finding');
}

const cli = [];
for (let r = 0; r < Math.min(RUNS, 3); r++) {
  const t = now();
  spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'check', dir, '--fail-on', 'never', '--format', 'json'], { stdio: 'ignore' });
  cli.push(now() - t);
}

// The language server's resident memory once it has indexed the workspace.
const { LspSession, fileUri } = require(join(root, 'out/test/support/lspClient.js'));
const session = await LspSession.start({ workspaceFolders: [dir] });
const uri = fileUri(target);
const t0 = now();
await session.open(uri, 'yaml', original);
// The server lints an opened manifest at once against the open documents (nothing concluded
// missing), then again once the workspace index is built: two publishes, both timed.
const first = await session.diagnostics(uri, { timeoutMs: 120_000 });
const firstPublish = now() - t0;
const crossFile = (p) => p.diagnostics.some((d) => d.code === 'ingress/certificate-mismatch');
const firstHasCrossFile = crossFile(first);
await session.diagnostics(uri, { accept: crossFile, timeoutMs: 120_000 });
const completePublish = now() - t0;
const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${session.proc.pid}/status`, 'utf8'))?.[1] ?? NaN);
await session.shutdownAndExit();

console.log(`load average at start ${loadAtStart}, at end ${loadAverage()} (${(await import('node:os')).cpus().length} CPUs)`);
console.log(`kube scale — ${files.length} files, ${resources} resources, ${GROUPS} TLS Secrets, ${findings} findings; ${RUNS} runs, medians`);
console.log(`index + lint every file (in process, wall)    ${ms(median(full))}  (goal < 3000 ms)`);
console.log(`  the same, CPU time of this process          ${ms(median(fullCpu))}`);
console.log(`  yaml parse alone (the same files)           ${ms(median(yamlOnly))}  (index + lint = ${(median(full) / median(yamlOnly)).toFixed(2)} × this)`);
console.log(`re-lint one edited Ingress, cross-file checks ${ms(median(relint))}  (goal < 50 ms)`);
console.log(`CLI on the folder (wall, process start incl.) ${ms(median(cli))}`);
console.log(`server: open one Ingress → first publish    ${ms(firstPublish)}  (${first.diagnostics.length} diagnostics, ${firstHasCrossFile ? 'with' : 'before'} the cross-file ones; open documents only)`);
console.log(`server: open one Ingress → cross-file publish ${ms(completePublish)}  (includes walking and indexing the workspace)`);
console.log(`server memory after indexing (RSS)            ${(rssKb / 1024).toFixed(0)} MB  (goal < 250 MB)`);
if (process.env.KEEP) console.log(dir); else rmSync(dir, { recursive: true, force: true });
