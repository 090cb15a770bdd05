import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { TextDoc, hoverAt } from '../../server/src/core';
import { materialSites, type MaterialSite } from '../../server/src/core/certs/sites';
import { keyPem, makeChain, type Made } from '../support/certs-extra';
import { NOW } from '../support/lint';

let chain: { root: Made; intermediate: Made; leaf: Made };
let leafKey: string;
let otherKey: string;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

before(async () => {
  chain = await makeChain(NOW);
  leafKey = await keyPem(chain.leaf);
  otherKey = await keyPem(chain.root);
});

const sites = (text: string, file = 'secret.yaml'): MaterialSite[] => materialSites(new TextDoc(file, text));

function secret(data: Record<string, string>, extra = ''): string {
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: web\n  namespace: default\ntype: kubernetes.io/tls\n${extra}data:\n${Object.entries(data).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`;
}

describe('base64 material in YAML', () => {
  test('a TLS Secret: each certificate of tls.crt, the key, ca.crt and any key whose value is PEM, with exact ranges and names', () => {
    const fullchain = chain.leaf.pem + chain.intermediate.pem;
    const text = secret({ 'tls.crt': b64(fullchain), 'tls.key': b64(leafKey), 'ca.crt': b64(chain.root.pem), password: b64('hunter2'), 'extra.pem': b64(chain.root.pem) });
    const s = sites(text);
    assert.deepEqual(
      s.map((x) => [x.encoding, x.label, x.container, x.group, x.bundleIndex, x.bundleSize, x.range.start.line, x.range.start.character, x.anchor.start.character, !!x.der, x.problem]),
      [
        ['base64-pem', 'CERTIFICATE', 'Secret default/web · tls.crt', 'Secret default/web', 0, 2, 7, 11, 2, true, undefined],
        ['base64-pem', 'CERTIFICATE', 'Secret default/web · tls.crt', 'Secret default/web', 1, 2, 7, 11, 2, true, undefined],
        ['base64-pem', 'PRIVATE KEY', 'Secret default/web · tls.key', 'Secret default/web', undefined, undefined, 8, 11, 2, true, undefined],
        ['base64-pem', 'CERTIFICATE', 'Secret default/web · ca.crt', 'Secret default/web', 0, 1, 9, 10, 2, true, undefined],
        ['base64-pem', 'CERTIFICATE', 'Secret default/web · extra.pem', 'Secret default/web', 0, 1, 11, 13, 2, true, undefined],
      ],
    );
    const line7 = text.split('\n')[7]!;
    assert.equal(s[0]!.range.end.character, line7.length, 'the range ends with the value');
  });

  test('kubeconfig clusters and users, webhook caBundle', () => {
    const kubeconfig = `apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster:\n    server: https://k8s.example.test\n    certificate-authority-data: ${b64(chain.root.pem)}\nusers:\n- name: admin\n  user:\n    client-certificate-data: ${b64(chain.leaf.pem)}\n    client-key-data: ${b64(leafKey)}\n`;
    assert.deepEqual(sites(kubeconfig, 'config.yaml').map((x) => [x.label, x.container, x.group]), [
      ['CERTIFICATE', 'kubeconfig cluster prod · certificate-authority-data', 'kubeconfig cluster prod'],
      ['CERTIFICATE', 'kubeconfig user admin · client-certificate-data', 'kubeconfig user admin'],
      ['PRIVATE KEY', 'kubeconfig user admin · client-key-data', 'kubeconfig user admin'],
    ]);
    const webhook = `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: policy\nwebhooks:\n- name: check.example.test\n  clientConfig:\n    caBundle: ${b64(chain.root.pem)}\n`;
    assert.deepEqual(sites(webhook, 'hook.yaml').map((x) => [x.label, x.container]), [['CERTIFICATE', 'ValidatingWebhookConfiguration policy · webhook check.example.test · caBundle']]);
  });

  test('whitespace inside base64 (folded and block scalars), CRLF line ends, a BOM in the decoded value', () => {
    const value = b64('\ufeff' + chain.leaf.pem);
    const folded = value.replace(/(.{60})/g, '$1\n    ');
    const text = secret({ 'tls.crt': folded, 'ca.crt': `|\n    ${b64(chain.root.pem).replace(/(.{76})/g, '$1\n    ')}` }).replace(/\n/g, '\r\n');
    const s = sites(text);
    assert.deepEqual(s.map((x) => [x.container, !!x.der, x.problem?.message, x.range.start.line]), [
      ['Secret default/web · tls.crt', true, undefined, 7],
      ['Secret default/web · ca.crt', true, undefined, 7 + folded.split('\n').length],
    ]);
    assert.ok(s[0]!.range.end.line > 7, 'a folded value spans its lines');
  });

  test('malformed base64 is located at the offending character; DER that does not parse is a problem of its value', () => {
    const text = secret({ 'tls.crt': 'LS0tLS1CRUdJTiBDRVJU*SUZJQ0FURS0tLS0t', 'ca.crt': b64('\x30\x03\x02\x01\x01'), 'tls.key': 'AQIDQUJD' });
    const s = sites(text);
    assert.deepEqual(s.map((x) => [x.label, x.problem?.message, x.problem && [x.problem.range.start.line, x.problem.range.start.character, x.problem.range.end.character]]), [
      ['CERTIFICATE', 'invalid base64 in "tls.crt": unexpected "*"', [7, 31, 32]],
      ['CERTIFICATE', 'the decoded value of "ca.crt" is DER but not a valid X.509 certificate: tbsCertificate: expected tag 0x30, found 0x2', [8, 10, 18]],
      ['PRIVATE KEY', 'the decoded value of "tls.key" is neither PEM nor DER', [9, 11, 19]],
    ]);
    const truncated = sites(secret({ 'tls.crt': b64(chain.leaf.pem).slice(0, 101) }));
    assert.match(truncated[0]?.problem?.message ?? '', /not a multiple of 4 \(truncated\?\)/);
    const cut = sites(secret({ 'tls.crt': b64(chain.leaf.pem.slice(0, 300)) }));
    assert.match(cut[0]?.problem?.message ?? '', /in the decoded value of "tls.crt": PEM block "CERTIFICATE" has no "-----END CERTIFICATE-----" line/);
  });

  test('unnamed Secrets of one file stay apart', () => {
    const one = `apiVersion: v1\nkind: Secret\ndata:\n  tls.crt: ${b64(chain.leaf.pem)}\n`;
    assert.deepEqual(sites(`${one}---\n${one}`).map((x) => x.group), ['Secret (document 1)', 'Secret (document 2)']);
  });

  test('DER (not PEM) in a Secret value is a certificate site', () => {
    const der = Buffer.from(chain.leaf.cert.rawData).toString('base64');
    const s = sites(secret({ 'client.der': der }));
    assert.deepEqual(s.map((x) => [x.encoding, x.label, x.container, !!x.der]), [['base64-der', 'CERTIFICATE', 'Secret default/web · client.der', true]]);
  });

  test('cheap when there is no material: YAML is not parsed at all', () => {
    const doc = new TextDoc('deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: 2\n');
    assert.deepEqual(materialSites(doc, undefined, () => assert.fail('parsed YAML without any hint of material')), []);
    assert.deepEqual(materialSites(new TextDoc('notes.md', 'nothing here\n')), []);
  });
});

describe('PEM in JSON strings', () => {
  test('blocks with \\n escapes are found with exact ranges; private keys are marked', () => {
    const json = JSON.stringify({ cert: chain.leaf.pem, key: leafKey }, null, 2);
    const s = sites(json, 'tls.json');
    assert.deepEqual(s.map((x) => [x.encoding, x.label, x.range.start.line, x.range.start.character, !!x.der]), [
      ['pem-in-json', 'CERTIFICATE', 1, 11, true],
      ['pem-in-json', 'PRIVATE KEY', 2, 10, true],
    ]);
    const line1 = json.split('\n')[1]!;
    assert.equal(line1.slice(s[0]!.range.start.character, s[0]!.range.end.character), JSON.stringify(chain.leaf.pem.trimEnd()).slice(1, -1));
  });
});

describe('hover on base64 values and keys', () => {
  test('a base64 chain shows each certificate with its container; the key says which certificate it matches', () => {
    const text = secret({ 'tls.crt': b64(chain.leaf.pem + chain.intermediate.pem), 'tls.key': b64(leafKey), 'ca.crt': b64(otherKey) });
    const doc = new TextDoc('secret.yaml', text);
    const crt = hoverAt(doc, { line: 7, character: 20 }, NOW)?.markdown ?? '';
    assert.match(crt, /\*\*Certificate\*\* \(1st of 2 in this value\)\n\n_Secret default\/web · tls\.crt_/);
    assert.match(crt, /\*\*Certificate\*\* \(2nd of 2 in this value\)/);
    assert.match(crt, /\| Subject \| CN=www\.example\.test \|/);
    assert.match(crt, /\| SHA-1 \| `([0-9A-F]{2}:){19}[0-9A-F]{2}` \|/);
    assert.match(crt, /\| Basic constraints \| CA \|/);
    const key = hoverAt(doc, { line: 8, character: 20 }, NOW)?.markdown ?? '';
    assert.match(key, /\| Key \| EC P-256 \|/);
    assert.match(key, /\| Matches \| certificate CN=www\.example\.test \(Secret default\/web · tls\.crt\) \|/);
    assert.ok(!key.includes(b64(leafKey).slice(20, 40)) && !key.includes(leafKey.split('\n')[1]!.slice(0, 20)), 'no key material');
    const wrong = hoverAt(new TextDoc('pair.pem', chain.leaf.pem + otherKey), { line: chain.leaf.pem.split('\n').length + 1, character: 3 }, NOW)?.markdown ?? '';
    assert.match(wrong, /\| Matches \| none of the certificate beside it \|/);
  });
});

