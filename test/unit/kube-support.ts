import { TextDoc, lintDocument, resolvePolicy, type Finding, type PolicyInput } from '../../server/src/core';
import { KubeIndex } from '../../server/src/core/workspace/index';
import { assertFindings, parseAnnotated } from '../support/annotations';
import { NOW } from '../support/lint';

/** A Secret manifest holding `pem` as base64 tls.crt (and a placeholder key unless `key` is false). */
export function tlsSecret(name: string, namespace: string, pem: string, key = true): string {
  const lines = ['apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${name}`, `  namespace: ${namespace}`, 'type: kubernetes.io/tls', 'data:'];
  lines.push(`  tls.crt: ${Buffer.from(pem).toString('base64')}`);
  if (key) lines.push(`  tls.key: ${Buffer.from('placeholder, not a key').toString('base64')}`);
  return lines.join('\n') + '\n';
}

/**
 * Lints the annotated file `file` in a workspace of `others` (name → text) and asserts its
 * annotations; only findings of `rules` (prefixes) count.
 */
export function expectKube(source: string, others: Record<string, string> = {}, opts: { file?: string; policy?: PolicyInput; rules?: readonly string[]; index?: boolean } = {}): Finding[] {
  const { text, expected } = parseAnnotated(source);
  const file = opts.file ?? 'manifests/app.yaml';
  const findings = lintKube(text, others, opts).filter((f) => !opts.rules || opts.rules.some((r) => f.ruleId.startsWith(r)));
  assertFindings(findings, expected);
  return findings;
  void file;
}

export function lintKube(text: string, others: Record<string, string> = {}, opts: { file?: string; policy?: PolicyInput; index?: boolean } = {}): Finding[] {
  const file = opts.file ?? 'manifests/app.yaml';
  let kubeIndex: KubeIndex | undefined;
  if (opts.index !== false) {
    kubeIndex = new KubeIndex();
    for (const [name, t] of Object.entries(others)) kubeIndex.setFile(name, t);
    kubeIndex.setFile(file, text);
  }
  return lintDocument(new TextDoc(file, text), { policy: resolvePolicy(opts.policy), now: NOW, ...(kubeIndex ? { kubeIndex } : {}) });
}
