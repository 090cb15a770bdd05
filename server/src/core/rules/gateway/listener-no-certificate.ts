import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';

/**
 * A Gateway API listener with protocol HTTPS, or TLS in Terminate mode (the default),
 * needs `tls.certificateRefs`; HTTPS requires Terminate (Gateway API, "TLS Configuration").
 */
export const listenerNoCertificate: Rule = {
  id: 'gateway/listener-no-certificate',
  title: 'An HTTPS/TLS listener terminates TLS without certificateRefs',
  defaultSeverity: 'error',
  formats: ['kubernetes'],
  kinds: [K.gateway],
  check(ctx) {
    for (const gw of ctx.kube().resources) {
      if (resourceKindKey(gw) !== K.gateway) continue;
      for (const l of gw.spec.get('listeners').items()) {
        const protocol = l.get('protocol').str();
        if (protocol !== 'HTTPS' && protocol !== 'TLS') continue;
        const name = l.get('name').str() ?? '?';
        const mode = l.get('tls', 'mode').str() ?? 'Terminate';
        if (mode === 'Passthrough') {
          if (protocol === 'HTTPS') reportResource(ctx, gw, { range: l.get('tls', 'mode').at, message: `listener ${name}: HTTPS requires tls.mode Terminate; use protocol TLS with a TLSRoute for passthrough` });
          continue;
        }
        if (l.get('tls', 'certificateRefs').items().length > 0) continue;
        reportResource(ctx, gw, {
          range: l.get('tls').present ? l.get('tls').keyRange : l.get('protocol').at,
          message: `listener ${name} (${protocol}) terminates TLS but has no tls.certificateRefs: it cannot serve a certificate`,
        });
      }
    }
  },
};
