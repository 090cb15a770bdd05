import { ISTIO_ROOT_NAMESPACE } from '../../formats/kube/istio';
import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Severity } from '../../findings';
import type { Rule } from '../rule';
import { setScalarFix } from '../../formats/kube/edits';

/**
 * PeerAuthentication `mtls.mode` DISABLE (plaintext accepted and sent) or PERMISSIVE
 * (plaintext accepted alongside mTLS), at mesh (root namespace, no selector), namespace,
 * workload or port level (Istio PeerAuthentication reference). DISABLE is an error
 * mesh-wide and a warning elsewhere; PERMISSIVE is a note, or a warning when the policy
 * asks for strict mTLS (`require.meshStrict`).
 */
export const peerAuthenticationMode: Rule = {
  id: 'istio/peer-authentication-mode',
  title: 'PeerAuthentication allows plaintext (DISABLE or PERMISSIVE)',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.peerAuthentication],
  check(ctx) {
    const view = ctx.kube();
    const strict = ctx.policy.require.meshStrict;
    for (const r of view.resources) {
      if (resourceKindKey(r) !== K.peerAuthentication) continue;
      const ns = view.namespaceOf(r);
      const hasSelector = r.spec.get('selector', 'matchLabels').entries().length > 0;
      const scope = hasSelector ? 'for the selected workloads' : ns === ISTIO_ROOT_NAMESPACE ? 'mesh-wide' : `for namespace ${ns}`;
      const judge = (modeNode: ReturnType<typeof r.spec.get>, where: string): void => {
        const mode = modeNode.str();
        let severity: Severity;
        let what: string;
        if (mode === 'DISABLE') {
          severity = scope === 'mesh-wide' ? 'error' : 'warning';
          what = 'mTLS is off: traffic is plaintext and unauthenticated';
        } else if (mode === 'PERMISSIVE') {
          severity = strict ? 'warning' : 'info';
          what = 'plaintext is accepted alongside mTLS';
        } else return;
        // Not preferred: STRICT refuses every client outside the mesh, a step a person takes.
        const fixes = setScalarFix(`Set mode STRICT${where} (only mTLS clients can connect)`, modeNode, 'STRICT');
        reportResource(ctx, r, { range: modeNode.at, severity, message: `mode ${mode} ${scope}${where}: ${what}${mode === 'PERMISSIVE' && strict ? ' (the policy requires STRICT)' : ''}`, fixes });
      };
      judge(r.spec.get('mtls', 'mode'), '');
      for (const [port, v] of r.spec.get('portLevelMtls').entries()) judge(v.get('mode'), ` on port ${port}`);
    }
  },
};
