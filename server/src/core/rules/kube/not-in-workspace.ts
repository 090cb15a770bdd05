import { describeReference, unresolvedReferences } from '../../formats/kube/references';
import type { Rule } from '../rule';

/**
 * One note per file naming the references its resources make that the workspace cannot
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
    const missing = refs.filter((r) => r.why === 'missing');
    const ambiguous = refs.filter((r) => r.why === 'ambiguous');
    const count = (k: number): string => (k === 1 ? 'one reference' : `${k} references`);
    const parts: string[] = [];
    if (missing.length) parts.push(`${count(missing.length)} of this file ${missing.length === 1 ? 'is' : 'are'} not in the workspace: ${missing.map((r) => describeReference(view, r)).join('; ')}`);
    if (ambiguous.length) parts.push(`${count(ambiguous.length)} ${missing.length ? '' : 'of this file '}${ambiguous.length === 1 ? 'has' : 'have'} equally near definitions that differ: ${ambiguous.map((r) => describeReference(view, r)).join('; ')}`);
    const one = refs.length === 1;
    ctx.report({
      range: refs[0]!.node.at,
      message:
        `${parts.join('; and ')}. What ${one ? 'it leads' : 'they lead'} to is not checked` +
        (missing.length ? `; nothing to fix if ${missing.length === 1 ? 'it is' : 'they are'} made in the cluster — to have ${missing.length === 1 ? 'it' : 'them'} checked, add the object (or the cert-manager Certificate, ExternalSecret or SealedSecret that writes it) to the workspace` : '') +
        (ambiguous.length ? `; to have ${ambiguous.length === 1 ? 'it' : 'them'} judged, keep one definition per kind, namespace and name within a folder or kustomization` : ''),
      related: refs.slice(1, 20).map((r) => ({ file: ctx.doc.file, range: r.node.at, message: describeReference(view, r) })),
    });
  },
};
