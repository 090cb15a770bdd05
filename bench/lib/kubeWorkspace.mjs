// The generated Kubernetes workspace of bench/kube-scale.mjs (and the benches that reuse it):
// GROUPS folders of four files, 20 resources each; one TLS Secret per folder (a distinct
// certificate; every 10th misses the api host, so the workspace has findings), one Ingress
// naming it from another file, ConfigMaps, a Deployment, Istio resources.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import x509 from '@peculiar/x509';

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
    extensions: [new x509.SubjectAlternativeNameExtension(i % 10 ? [{ type: 'dns', value: `app${i}.example.test` }, { type: 'dns', value: `api.app${i}.example.test` }] : [{ type: 'dns', value: `app${i}.example.test` }])],
  });
  return c.toString('pem');
}

export const cm = (name, ns) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  key: value\n`;
export const ingress = (i, ns, extra = '') => `apiVersion: networking.k8s.io/v1
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

/** Writes the workspace into a new temporary folder; returns it, its files (four per group, in order) and the resource count. */
export async function writeKubeWorkspace(groups = 500, dir = mkdtempSync(join(tmpdir(), 'tls-lens-kube-scale-'))) {
  const certs = await Promise.all(Array.from({ length: groups }, (_, i) => cert(i)));
  const files = [];
  for (let i = 0; i < groups; i++) {
    const ns = `team${i}`;
    const d = join(dir, `app${i}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'ingress.yaml'), ingress(i, ns));
    writeFileSync(join(d, 'secret.yaml'), `apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\n  namespace: ${ns}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${Buffer.from(certs[i]).toString('base64')}\n  tls.key: ${Buffer.from('placeholder').toString('base64')}\n${cm('d', ns)}${cm('e', ns)}${cm('f', ns)}${cm('g', ns)}`);
    writeFileSync(join(d, 'deploy.yaml'), `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ${ns}}\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n${cm('h', ns)}${cm('i', ns)}${cm('j', ns)}${cm('k', ns)}`);
    writeFileSync(join(d, 'istio.yaml'), `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: db, namespace: ${ns}}\nspec:\n  host: db.${ns}.svc.cluster.local\n  trafficPolicy:\n    tls: {mode: ISTIO_MUTUAL}\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: ${ns}}\nspec:\n  mtls: {mode: STRICT}\n${cm('l', ns)}${cm('m', ns)}${cm('n', ns)}`);
    for (const f of ['ingress.yaml', 'secret.yaml', 'deploy.yaml', 'istio.yaml']) files.push(join(d, f));
  }
  return { dir, files, resources: groups * 20 };
}
