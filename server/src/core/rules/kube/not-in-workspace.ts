import { describeCandidates } from '../../formats/kube/refs';
import { unresolvedReferences, type UnresolvedReference } from '../../formats/kube/references';
import { describeResource } from '../../formats/kube/resources';
import type { KubeView } from '../../workspace/index';
import type { Rule } from '../rule';

/** One object the file refers to, with every place that refers to it. */
interface Target {
  first: UnresolvedReference;
  refs: UnresolvedReference[];
}

function byTarget(refs: readonly UnresolvedReference[]): Target[] {
  const map = new Map<string, Target>();
  for (const r of refs) {
    const key = `${r.why}\u0000${r.what}`;
    const t = map.get(key);
    if (t) t.refs.push(r);
    else map.set(key, { first: r, refs: [r] });
  }
  return [...map.values()];
}

/** "Secret shop/web-tls (Ingress shop/web, line 12)" or "… (BackendTLSPolicy a, line 9, and 4 more)". */
function describe(view: KubeView, t: Target): string {
  const u = t.first;
  const head = u.why === 'ambiguous' && u.candidates ? describeCandidates(view, u.candidates) : u.what;
  const more = t.refs.length > 1 ? `, and ${t.refs.length - 1} more` : '';
  return `${head} (${describeResource(u.from, view.namespaceOf(u.from))}, line ${u.node.at.start.line + 1}${more}${u.code ? `; istioctl ${u.code}` : ''})`;
}

const objects = (k: number): string => (k === 1 ? 'one object' : `${k} objects`);

/**
 * One note per file naming the objects its resources refer to that the workspace cannot
 * answer (`unresolvedReferences`): the object is in no file (often made in the cluster by
 * hand, Helm or an operator), or equally near definitions of it differ. What they lead to
 * (a certificate, its names, its validity) cannot be checked. References an operator answers
 * (cert-manager, External Secrets, Sealed Secrets) get no note.
 */
export const notInWorkspace: Rule = {
  id: 'kube/not-in-workspace',
  title: 'References the workspace cannot answer (not checked)',
  defaultSeverity: 'info',
  formats: ['kubernetes'],
  check(ctx) {
    const view = ctx.kube();
    const refs = unresolvedReferences(view);
    if (!refs.length) return;
    const targets = byTarget(refs);
    const missing = targets.filter((t) => t.first.why === 'missing');
    const ambiguous = targets.filter((t) => t.first.why === 'ambiguous');
    const parts: string[] = [];
    if (missing.length) parts.push(`${objects(missing.length)} this file refers to ${missing.length === 1 ? 'is' : 'are'} not in the workspace: ${missing.map((t) => describe(view, t)).join('; ')}`);
    if (ambiguous.length) parts.push(`${objects(ambiguous.length)} ${missing.length ? '' : 'this file refers to '}${ambiguous.length === 1 ? 'has' : 'have'} equally near definitions that differ: ${ambiguous.map((t) => describe(view, t)).join('; ')}`);
    const it = (k: number): string => (k === 1 ? 'it' : 'them');
    ctx.report({
      range: refs[0]!.node.at,
      message:
        `${parts.join('; and ')} — not checked` +
        (missing.length ? `. If ${missing.length === 1 ? 'it is' : 'they are'} made in the cluster, nothing to fix; to have ${it(missing.length)} checked, add ${it(missing.length)} (or the cert-manager Certificate, ExternalSecret or SealedSecret that writes ${it(missing.length)}) to the workspace` : '') +
        (ambiguous.length ? `. To have ${missing.length ? 'the others' : it(ambiguous.length)} judged, keep one definition per kind, namespace and name within a folder or kustomization` : ''),
      related: refs.slice(1, 20).map((r) => ({ file: ctx.doc.file, range: r.node.at, message: r.why === 'ambiguous' && r.candidates ? describeCandidates(view, r.candidates) : r.what })),
    });
  },
};
