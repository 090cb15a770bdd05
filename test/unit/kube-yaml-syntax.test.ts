/**
 * A manifest with a YAML syntax error: the error is reported where it is, and the file's
 * other documents are still checked (CLI and server lint the same way; see test/repos for both fronts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lintKube } from './kube-support';

const INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
    - host: shop.acme.io
`;

describe('kube/yaml-syntax', () => {
  test('the broken document is reported, located; the others are still judged', () => {
    const text = `${INGRESS}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  list: [unclosed\n  other: value\n---\n${INGRESS.replace('name: web,', 'name: web2,').replace('shop.acme.io', 'api.acme.io')}`;
    const f = lintKube(text, {}, { index: false });
    const syntax = f.filter((x) => x.ruleId === 'kube/yaml-syntax');
    assert.equal(syntax.length, 1, f.map((x) => `${x.ruleId} ${x.message}`).join('\n'));
    assert.equal(syntax[0]!.severity, 'error');
    assert.match(syntax[0]!.message, /^YAML syntax error: .+; document 2 of 3 is not checked, the others are$/);
    assert.ok(syntax[0]!.range.start.line >= 12 && syntax[0]!.range.start.line <= 15, `located in the broken document: ${JSON.stringify(syntax[0]!.range)}`);
    // Both Ingresses are judged.
    assert.deepEqual(f.filter((x) => x.ruleId === 'ingress/host-without-tls').map((x) => x.resource?.name), ['web', 'web2']);
  });

  test('a single broken document, a tab used for indentation', () => {
    const f = lintKube('apiVersion: v1\nkind: Secret\nmetadata:\n\tname: x\n', {}, { index: false });
    assert.deepEqual(f.map((x) => x.ruleId), ['kube/yaml-syntax']);
    assert.match(f[0]!.message, /the file is not checked$/);
    assert.equal(f[0]!.range.start.line, 3);
  });

  test('templates are not syntax errors: Helm {{ }} and ${VAR} / {VAR} substitution get the template note', () => {
    const helm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    {{- include "labels" . | nindent 4 }}\n`;
    assert.deepEqual(lintKube(helm, {}, { index: false }).map((x) => x.ruleId), ['kube/template-skipped']);
    const subst = `apiVersion: v1\nkind: Service\nmetadata:\n  name: bind\nspec:\n  clusterIP: {SERVICE_IP_PREFIX}.16\n`;
    const f = lintKube(subst, {}, { index: false });
    assert.deepEqual(f.map((x) => x.ruleId), ['kube/template-skipped']);
    assert.equal(f[0]!.range.start.line, 5, 'at the substitution');
  });

  test("a quoted value whose continuation lines are less indented than its key: kubectl's parser takes it, YAML 1.2 does not — one note, not an error", () => {
    const crd = (name: string): string =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  items:\n    - rule: 'self.all(p, p.kind\n  == "x")'\n      message: m\n`;
    const f = lintKube(`${crd('a')}---\n${crd('b')}---\n${INGRESS}`, {}, { index: false });
    const syntax = f.filter((x) => x.ruleId === 'kube/yaml-syntax');
    assert.equal(syntax.length, 1);
    assert.equal(syntax[0]!.severity, 'info');
    assert.match(syntax[0]!.message, /quoted values run over lines less indented than their keys \(line 7, 17\), which YAML 1\.2 does not allow; kubectl's parser accepts it, TLS Lens's does not, so documents 1, 2 of 3 are not checked \(the others are\)/);
    assert.ok(f.some((x) => x.ruleId === 'ingress/host-without-tls'));
  });

  test('old Mac line ends (a lone CR) are line breaks, as YAML 1.2 says', () => {
    const f = lintKube(INGRESS.replace(/\n/g, '\r'), {}, { index: false });
    assert.deepEqual(f.map((x) => [x.ruleId, x.range.start.line]), [['ingress/host-without-tls', 5]]);
  });
});
