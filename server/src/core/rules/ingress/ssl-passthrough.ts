import { INGRESS_KINDS, isIngress, nginxAnnotation } from '../../formats/kube/ingress';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * `ssl-passthrough: "true"` hands the TLS connection to the backend at layer 4 (needs the
 * controller flag `--enable-ssl-passthrough`): the Ingress's own TLS settings, certificate
 * and HTTP annotations do not apply, and the backend's TLS is out of sight here.
 */
export const sslPassthrough: Rule = {
  id: 'ingress/ssl-passthrough',
  title: 'ssl-passthrough: TLS is terminated by the backend, not the Ingress',
  defaultSeverity: 'info',
  formats: ['kubernetes'],
  kinds: INGRESS_KINDS,
  check(ctx) {
    for (const r of ctx.kube().resources) {
      if (!isIngress(r)) continue;
      const a = nginxAnnotation(r, 'ssl-passthrough');
      if (a?.value !== 'true') continue;
      reportResource(ctx, r, {
        range: a.node.at,
        message: 'ssl-passthrough "true": the backend terminates TLS (judge its configuration there); spec.tls, ssl-* annotations and HTTP rules other than the host are ignored, and the controller needs --enable-ssl-passthrough',
      });
    }
  },
};
