// Large YAML files in the language server: a file of 10,000 documents (ConfigMaps; Ingresses
// with --ingresses) and a 1.4 MB CustomResourceDefinition file. Measures (medians): one edit →
// the new diagnostics (with `lintDelayMs` 0, so the time is the server's; the default adds its
// 200 ms pause), hovers at random positions and code lenses on such a file, and the CRD file's lint
// in process against the yaml package's parse of it (the reference measured in the same run).
// Usage: node bench/yaml-large.mjs [--runs N] [--docs N] [--ingresses] [--crd FILE]   (needs `npm run build`)
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuMs, loadAverage, median, ms, now } from './lib/measure.mjs';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const core = require(join(root, 'out/server/src/core/index.js'));
const { LspSession, fileUri } = require(join(root, 'out/test/support/lspClient.js'));
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const RUNS = Number(arg('--runs', 9));
const DOCS = Number(arg('--docs', 10_000));
const INGRESSES = process.argv.includes('--ingresses');
const CRD = arg('--crd', '/work/corpus/istio+istio/tests/integration/pilot/testdata/gateway-api-crd.yaml');
const loadAtStart = loadAverage();

const doc = (i, mark = '') =>
  INGRESSES
    ? `---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: w${i}${mark}\n  namespace: ns\nspec:\n  tls:\n    - hosts: [h${i}.example.test]\n      secretName: s${i}\n  rules:\n    - host: h${i}.example.test\n`
    : `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}${mark}\n  namespace: ns\ndata:\n  k: v\n`;
const docLines = doc(0).split('\n').length - 1;
const dir = mkdtempSync(join(tmpdir(), 'tls-lens-yaml-large-'));
const file = join(dir, 'many.yaml');
const texts = (mark) => Array.from({ length: DOCS }, (_, i) => doc(i, i === DOCS >> 1 ? mark : '')).join('');
writeFileSync(file, texts(''));
const uri = fileUri(file);

const session = await LspSession.start({ workspaceFolders: [dir], settings: () => ({ lintDelayMs: 0 }) });
let version = 1;
const t0 = now();
await session.open(uri, 'yaml', texts(''));
await session.diagnostics(uri, { timeoutMs: 120_000 });
const firstPublish = now() - t0;
// Edits: the middle document's name, one character more each time (full-text sync, as the server asks).
const edit = [];
for (let r = 0; r < RUNS; r++) {
  const mark = session.mark();
  const t = now();
  version++;
  await session.change(uri, version, [{ text: texts('x'.repeat(r + 1)) }]);
  await session.diagnostics(uri, { after: mark, accept: (p) => p.version === version, timeoutMs: 120_000 });
  edit.push(now() - t);
}
// Hovers at random positions, and code lenses.
let seed = 7;
const rand = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
const hover = [];
for (let r = 0; r < RUNS * 3; r++) {
  const line = rand(DOCS * docLines);
  const t = now();
  await session.hover(uri, { line, character: rand(12) });
  hover.push(now() - t);
}
const lens = [];
for (let r = 0; r < RUNS; r++) {
  const t = now();
  await session.within('code lenses', session.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }));
  lens.push(now() - t);
}
await session.shutdownAndExit();

// The CRD file in process, against the yaml package's parse of it, interleaved.
const crd = { lint: [], lintCpu: [], yaml: [], yamlCpu: [], bytes: 0 };
if (existsSync(CRD)) {
  const text = readFileSync(CRD, 'utf8');
  crd.bytes = Buffer.byteLength(text);
  const policy = core.resolvePolicy();
  const { parseAllDocuments } = require(join(root, 'node_modules/yaml'));
  for (let r = 0; r < RUNS; r++) {
    let t = now();
    let c = process.cpuUsage();
    // A new name each run: parses are shared by name, and this measures a first lint.
    core.lintDocument(new core.TextDoc(join(dir, `crd-${r}.yaml`), text), { policy, now: new Date() });
    crd.lint.push(now() - t);
    crd.lintCpu.push(cpuMs(c));
    t = now();
    c = process.cpuUsage();
    parseAllDocuments(text);
    crd.yaml.push(now() - t);
    crd.yamlCpu.push(cpuMs(c));
  }
}

console.log(`load average at start ${loadAtStart}, at end ${loadAverage()} (${cpus().length} CPUs)`);
console.log(`large YAML — ${DOCS} ${INGRESSES ? 'Ingresses' : 'ConfigMaps'} in one file (${(Buffer.byteLength(texts('')) / 1e6).toFixed(2)} MB), language server over stdio, lintDelayMs 0; ${RUNS} runs, medians`);
console.log(`open → first diagnostics                    ${ms(firstPublish)}`);
console.log(`one edit → new diagnostics                  ${ms(median(edit))}  (max ${ms(Math.max(...edit))}; goal < 300 ms)`);
console.log(`hover at a random position                  ${ms(median(hover))}  (max ${ms(Math.max(...hover))}; goal < 100 ms)`);
console.log(`code lenses                                 ${ms(median(lens))}  (max ${ms(Math.max(...lens))}; goal < 100 ms)`);
if (crd.bytes) {
  console.log(`CRD file ${CRD.split('/').slice(-1)[0]} (${(crd.bytes / 1e6).toFixed(2)} MB), in process:`);
  console.log(`  lint                                      wall ${ms(median(crd.lint))}, CPU ${ms(median(crd.lintCpu))}  (goal < 100 ms)`);
  console.log(`  reference: yaml parse of it               wall ${ms(median(crd.yaml))}, CPU ${ms(median(crd.yamlCpu))} (lint = ${(median(crd.lint) / median(crd.yaml)).toFixed(3)}×)`);
}
rmSync(dir, { recursive: true, force: true });
