import { K } from '../../formats/kube/refs';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import type { Rule } from '../rule';
import { setScalarFix } from '../../formats/kube/edits';

/**
 * Client-certificate validation (`spec.tls.frontend.default` / `perPort[].tls`, Gateway API
 * v1.4+, GEP-91) with `mode: AllowInsecureFallback` lets clients without a valid
 * certificate through: the backend must check what it gets.
 */
export const insecureFallback: Rule = {
  id: 'gateway/insecure-fallback',
  title: 'Client-certificate validation with AllowInsecureFallback',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: [K.gateway],
  check(ctx) {
    for (const gw of ctx.kube().resources) {
      if (resourceKindKey(gw) !== K.gateway) continue;
      const frontend = gw.spec.get('tls', 'frontend');
      const modes = [{ node: frontend.get('default', 'validation', 'mode'), where: 'default' }];
      for (const p of frontend.get('perPort').items()) modes.push({ node: p.get('tls', 'validation', 'mode'), where: `port ${p.get('port').str() ?? '?'}` });
      for (const m of modes) {
        if (m.node.str() !== 'AllowInsecureFallback') continue;
        // Not preferred: only right when the backend does not rely on the fallback.
        const fixes = setScalarFix('Set mode AllowValidOnly (clients without a valid certificate are refused)', m.node, 'AllowValidOnly');
        reportResource(ctx, gw, { range: m.node.at, message: `frontend validation (${m.where}) AllowInsecureFallback admits clients with no or an invalid certificate; use AllowValidOnly unless the backend checks the result`, fixes });
      }
    }
  },
};
