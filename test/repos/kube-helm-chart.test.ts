/**
 * A repository shaped like a Helm chart, through the bundled CLI: templates that are not YAML
 * until rendered get one note each (never syntax errors), templated values are unknown rather
 * than wrong, a documentation placeholder in values.yaml is one note, and the rendered
 * manifests committed beside the chart are judged.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DAY, makeCert } from '../support/certs';
import { keyPem } from '../support/certs-extra';
import { TempWorkspace, checkJson, type CliFinding } from '../support/kubeWorkspace';

let ws: TempWorkspace;
let findings: CliFinding[];
let status: number | null;

before(async () => {
  const now = Date.now();
  const made = await makeCert({ cn: 'shop.acme.io', dns: ['shop.acme.io'], notBefore: new Date(now - DAY), notAfter: new Date(now + 60 * DAY) });
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const secret = `apiVersion: v1\nkind: Secret\nmetadata: {name: shop-tls, namespace: shop}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64(made.pem)}\n  tls.key: ${b64(await keyPem(made))}\n`;
  ws = new TempWorkspace('tls-lens-repo-helm-', {
    'charts/shop/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.3.1\nappVersion: "1.4"\n',
    'charts/shop/values.yaml': [
      'ingress:',
      '  enabled: true',
      '  host: shop.acme.io',
      '  secretName: shop-tls',
      'webhook:',
      '  # Paste the CA that signs the webhook certificate here.',
      '  caBundle: <base64 encoded CA bundle>',
      '',
    ].join('\n'),
    'charts/shop/templates/_helpers.tpl': '{{- define "shop.fullname" -}}{{ .Release.Name }}-shop{{- end }}\n',
    'charts/shop/templates/NOTES.txt': 'Visit https://{{ .Values.ingress.host }}\n',
    'charts/shop/templates/ingress.yaml': [
      '{{- if .Values.ingress.enabled }}',
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata:',
      '  name: {{ include "shop.fullname" . }}',
      '  annotations:',
      '    {{- toYaml .Values.ingress.annotations | nindent 4 }}',
      'spec:',
      '  tls:',
      '    - hosts:',
      '        - {{ .Values.ingress.host | quote }}',
      '      secretName: {{ .Values.ingress.secretName }}',
      '  rules:',
      '    - host: {{ .Values.ingress.host | quote }}',
      '{{- end }}',
      '',
    ].join('\n'),
    'charts/shop/templates/secret.yaml': [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: {{ .Values.ingress.secretName }}',
      'type: kubernetes.io/tls',
      'data:',
      '  tls.crt: {{ .Values.tls.crt | b64enc }}',
      '  tls.key: {{ .Values.tls.key | b64enc }}',
      '',
    ].join('\n'),
    // Parses as YAML with template values inside strings: read, and the values are unknown.
    'charts/shop/templates/webhook.yaml': [
      'apiVersion: admissionregistration.k8s.io/v1',
      'kind: ValidatingWebhookConfiguration',
      'metadata:',
      '  name: "{{ .Release.Name }}-webhook"',
      'webhooks:',
      '  - name: validate.shop.acme.io',
      '    admissionReviewVersions: [v1]',
      '    sideEffects: None',
      '    clientConfig:',
      '      caBundle: "{{ .Values.webhook.caBundle }}"',
      '      service: {name: "{{ .Release.Name }}", namespace: "{{ .Release.Namespace }}"}',
      '',
    ].join('\n'),
    'charts/shop/templates/tests/test-connection.yaml': [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: "{{ include "shop.fullname" . }}-test"',
      '  annotations:',
      '    "helm.sh/hook": test',
      'spec:',
      '  containers: [{name: wget, image: busybox, command: [wget, "{{ .Values.ingress.host }}"]}]',
      '',
    ].join('\n'),
    // `helm template` output committed for review: real manifests.
    'rendered/shop.yaml': [
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata: {name: release-shop, namespace: shop}',
      'spec:',
      '  tls: [{hosts: [shop.acme.io, api.acme.io], secretName: shop-tls}]',
      '  rules: [{host: shop.acme.io}, {host: api.acme.io}]',
      '---',
      secret,
    ].join('\n'),
  });
  const r = checkJson(ws.dir);
  assert.ok(r.findings.length > 0 || r.status === 0, `${r.stdout}\n${r.stderr}`);
  ({ findings, status } = r);
});

after(() => ws.remove());

const at = (f: CliFinding): string => `${f.ruleId} ${f.file}:${f.range.start.line + 1}`;

describe('a Helm chart repository', () => {
  test('one template note per template that is not YAML, no syntax errors, no floods', () => {
    const templates = findings.filter((f) => f.ruleId === 'kube/template-skipped').map((f) => f.file).sort();
    // secret.yaml parses as YAML (its {{ … }} read as flow mappings): its values are unknown, and nothing is said about them.
    assert.deepEqual(templates, [path.join('charts', 'shop', 'templates', 'ingress.yaml'), path.join('charts', 'shop', 'templates', 'tests', 'test-connection.yaml')]);
    assert.deepEqual(findings.filter((f) => f.file.endsWith('secret.yaml')), []);
    assert.ok(findings.filter((f) => f.ruleId === 'kube/template-skipped').every((f) => f.severity === 'info'));
    assert.deepEqual(findings.filter((f) => f.ruleId === 'kube/yaml-syntax'), []);
    // Per file, at most one note: never a flood because something is a template.
    const perFile = new Map<string, number>();
    for (const f of findings) perFile.set(f.file, (perFile.get(f.file) ?? 0) + 1);
    for (const [file, n] of perFile) if (!file.startsWith('rendered')) assert.equal(n, 1, `${file}: ${findings.filter((f) => f.file === file).map(at).join(', ')}`);
  });

  test("a placeholder in values.yaml is one note; the templated caBundle is unknown, not invalid", () => {
    const values = findings.filter((f) => f.file === path.join('charts', 'shop', 'values.yaml'));
    assert.deepEqual(values.map((f) => [f.ruleId, f.severity, f.range.start.line]), [['pem/malformed', 'info', 6]]);
    assert.match(values[0]!.message, /"caBundle" holds a placeholder \("<base64 encoded CA bund…"\), not base64 material; not checked/);
    assert.deepEqual(findings.filter((f) => f.file.endsWith('webhook.yaml')), []);
  });

  test('the rendered manifests are judged: the certificate does not cover api.acme.io, the key is committed; exit status 1', () => {
    const rendered = findings.filter((f) => f.file.startsWith('rendered'));
    const file = path.join('rendered', 'shop.yaml');
    assert.deepEqual(rendered.map(at).sort(), [`cert/private-key-committed ${file}:14`, `ingress/certificate-mismatch ${file}:5`]);
    assert.match(rendered.find((f) => f.ruleId === 'ingress/certificate-mismatch')!.message, /TLS host api\.acme\.io is not covered by the certificate in Secret shop\/shop-tls/);
    assert.equal(status, 1);
  });
});
