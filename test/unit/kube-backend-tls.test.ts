import { before, describe, test } from 'node:test';
import { DAY, makeCert } from '../support/certs';
import { makeRaw } from '../support/certs-extra';
import { NOW } from '../support/lint';
import { caExtension, nameConstraintsExtension } from '../support/nameConstraints';
import { expectKube } from './kube-support';

const around = { notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 300 * DAY) };
let workspace: Record<string, string>;

const configMap = (name: string, pem: string | undefined): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: shop}\ndata:\n${pem === undefined ? '  other: x\n' : `  ca.crt: |\n${pem.trimEnd().split('\n').map((l) => `    ${l}`).join('\n')}\n`}`;
const secret = (name: string, pem: string): string =>
  `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: shop}\ndata:\n  ca.crt: ${Buffer.from(pem).toString('base64')}\n`;

before(async () => {
  const corp = await makeRaw({ ...around, subject: 'CN=Corp CA', extensions: [caExtension(), nameConstraintsExtension({ permitted: ['DNS:.corp.example'] })] });
  const excl = await makeRaw({ ...around, subject: 'CN=Excl CA', extensions: [caExtension(), nameConstraintsExtension({ excluded: ['DNS:secret.example.com'] })] });
  const plain = (await makeCert({ cn: 'Plain CA', ca: true, ...around })).pem;
  const pinned = (await makeCert({ cn: 'api.shop.example', dns: ['api.shop.example'], ...around })).pem;
  workspace = {
    'ca.yaml': [configMap('corp-ca', corp), configMap('plain-ca', plain), configMap('pinned', pinned), configMap('empty', undefined), secret('excl-ca', excl)].join('---\n'),
  };
});

const policy = (name: string, validation: string): string =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  targetRefs: [{group: "", kind: Service, name: ${name}}]\n  validation:\n${validation}`;

describe('BackendTLSPolicy CA certificates', () => {
  test('name constraints and pinned leaves that cannot validate the hostname; references that lead nowhere', () => {
    expectKube(
      [
        policy(
          'outside',
          `    caCertificateRefs: [{group: "", kind: ConfigMap, name: corp-ca}]
    hostname: api.shop.svc.cluster.local
#             ^^^^^^^^^^^^^^^^^^^^^^^^^^ warning gateway/backend-hostname-uncovered: validation.hostname api.shop.svc.cluster.local cannot be validated with the CA certificates of caCertificateRefs: Corp CA's name constraints permit only DNS:.corp.example
`,
        ),
        policy('inside', '    caCertificateRefs: [{group: "", kind: ConfigMap, name: corp-ca}]\n    hostname: api.corp.example\n'),
        policy(
          'pinned-other',
          `    caCertificateRefs: [{group: "", kind: ConfigMap, name: pinned}]
    hostname: other.shop.example
#             ^^^^^^^^^^^^^^^^^^ warning gateway/backend-hostname-uncovered: api.shop.example is not a CA (CA:FALSE), so only that certificate itself would be accepted, and it names api.shop.example
`,
        ),
        policy('pinned-same', '    caCertificateRefs: [{group: "", kind: ConfigMap, name: pinned}]\n    hostname: api.shop.example\n'),
        policy('one-of-two', '    caCertificateRefs:\n      - {group: "", kind: ConfigMap, name: corp-ca}\n      - {group: "", kind: ConfigMap, name: plain-ca}\n    hostname: api.shop.svc.cluster.local\n'),
        policy(
          'sans',
          `    caCertificateRefs: [{group: "", kind: Secret, name: excl-ca}]
    hostname: front.example.com
    subjectAltNames:
#   ^^^^^^^^^^^^^^^ warning gateway/backend-hostname-uncovered: none of subjectAltNames secret.example.com can be validated with the CA certificates of caCertificateRefs: Excl CA's name constraints exclude DNS:secret.example.com
      - {type: Hostname, hostname: secret.example.com}
`,
        ),
        policy('sans-uri', '    caCertificateRefs: [{group: "", kind: Secret, name: excl-ca}]\n    hostname: secret.example.com\n    subjectAltNames:\n      - {type: Hostname, hostname: secret.example.com}\n      - {type: URI, uri: "spiffe://shop/api"}\n'),
        policy(
          'missing',
          `    caCertificateRefs:
      - {group: "", kind: ConfigMap, name: nowhere}
#                                          ^^^^^^^ info kube/not-in-workspace: ConfigMap shop/nowhere (BackendTLSPolicy shop/missing
      - {group: "", kind: ConfigMap, name: corp-ca}
    hostname: api.shop.svc.cluster.local
`,
        ),
        policy(
          'empty',
          `    caCertificateRefs: [{group: "", kind: ConfigMap, name: empty}]
#                                                          ^^^^^ warning gateway/backend-ca-ref: ConfigMap shop/empty has no ca.crt key
    hostname: api.shop.svc.cluster.local
`,
        ),
        policy(
          'both',
          `    caCertificateRefs: [{group: "", kind: ConfigMap, name: corp-ca}]
    wellKnownCACertificates: System
#                            ^^^^^^ error gateway/backend-tls-policy: mutually exclusive
    hostname: api.shop.svc.cluster.local
`,
        ),
      ].join('---\n'),
      workspace,
      { rules: ['gateway/backend-', 'kube/not-in-workspace'] },
    );
  });
});
