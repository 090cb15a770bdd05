import { isTemplated } from '../../formats/kube/node';
import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import { WEAK_PROTOCOLS, examples, judgeSuites, suitesOfCipherString } from '../../formats/kube/tls';
import type { TlsProtocol } from '../../policy/profiles';
import type { Rule } from '../rule';
import { protocolListFix, setScalarFix } from '../../formats/kube/edits';
import type { KNode } from '../../formats/kube/node';

/** ConfigMaps the ingress-nginx controller reads (its chart names it `<release>-ingress-nginx-controller`). */
export function isControllerConfig(name: string, namespace: string | undefined): boolean {
  return /ingress-nginx|nginx-configuration|nginx-ingress/.test(name) || namespace === 'ingress-nginx';
}

/**
 * The ingress-nginx controller ConfigMap's TLS keys (ingress-nginx docs, ConfigMap):
 * `ssl-protocols` (default "TLSv1.2 TLSv1.3"), `ssl-ciphers`, `hsts` (default true),
 * `hsts-max-age` (default 31536000), `ssl-session-tickets` (default false), `ssl-redirect`.
 */
export const controllerConfig: Rule = {
  id: 'ingress/controller-config',
  title: 'The ingress-nginx ConfigMap weakens TLS for every Ingress',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: ['ConfigMap'],
  check(ctx) {
    const view = ctx.kube();
    const profile = ctx.policy.profile;
    for (const r of view.resources) {
      if (resourceKindKey(r) !== 'ConfigMap' || !isControllerConfig(r.name, view.namespaceOf(r))) continue;
      const data = r.root.get('data');
      const get = (k: string): { value: string; at: ReturnType<typeof data.get>['at']; node: KNode } | undefined => {
        const n = data.get(k);
        const v = n.str();
        return v === undefined || isTemplated(v) ? undefined : { value: v.trim(), at: n.at, node: n };
      };
      // Each fix writes the value the controller's documented default has (ingress-nginx ConfigMap docs) or the policy asks for.
      const protocols = get('ssl-protocols');
      const protocolFix = protocols ? protocolListFix('ssl-protocols', protocols.node, protocols.value, profile) : [];
      for (const p of protocols?.value.split(/\s+/) ?? []) {
        const weak = WEAK_PROTOCOLS[p as TlsProtocol];
        if (weak && !profile.protocols.includes(p as TlsProtocol)) {
          reportResource(ctx, r, { range: protocols!.at, severity: weak.severity, message: `ssl-protocols enables ${p} for every Ingress, ${weak.why}`, fixes: protocolFix });
        }
      }
      const ciphers = get('ssl-ciphers');
      if (ciphers) {
        const { suites, valid } = suitesOfCipherString(ciphers.value);
        const list = profile.ciphers.openssl.join(':');
        const fixes = list ? setScalarFix(`Use the ${profile.name} profile's ciphers`, ciphers.node, list, { preferred: true }) : [];
        if (!valid) reportResource(ctx, r, { range: ciphers.at, severity: 'error', message: 'ssl-ciphers selects no cipher suite OpenSSL accepts', fixes });
        for (const w of valid ? judgeSuites(suites, profile) : []) {
          reportResource(ctx, r, { range: ciphers.at, severity: w.severity, message: `ssl-ciphers enables suites with ${w.label} for every Ingress: ${examples(w.suites)}`, fixes });
        }
      }
      const hsts = get('hsts');
      if (hsts?.value === 'false') reportResource(ctx, r, { range: hsts.at, message: 'hsts "false": no Strict-Transport-Security header for any Ingress (RFC 6797)', fixes: setScalarFix('Send HSTS (hsts "true")', hsts.node, 'true', { preferred: true }) });
      const age = get('hsts-max-age');
      const minAge = ctx.policy.thresholds.hstsMinAgeSeconds;
      if (age && /^\d+$/.test(age.value) && Number(age.value) < minAge && hsts?.value !== 'false') {
        reportResource(ctx, r, { range: age.at, message: `hsts-max-age ${age.value} is below the policy's ${minAge} seconds`, fixes: setScalarFix(`Set hsts-max-age "${minAge}"`, age.node, String(minAge), { preferred: true }) });
      }
      const tickets = get('ssl-session-tickets');
      if (tickets?.value === 'true') {
        reportResource(ctx, r, { range: tickets.at, severity: 'info', message: 'ssl-session-tickets "true": without ssl-session-ticket-key rotation, ticket keys weaken forward secrecy', fixes: setScalarFix('Set ssl-session-tickets "false" (the default)', tickets.node, 'false', { preferred: true }) });
      }
      const redirect = get('ssl-redirect');
      if (redirect?.value === 'false' && ctx.policy.require.httpsRedirect) {
        reportResource(ctx, r, { range: redirect.at, message: 'ssl-redirect "false": no Ingress redirects HTTP to HTTPS unless it says so itself', fixes: setScalarFix('Redirect to HTTPS (ssl-redirect "true", the default)', redirect.node, 'true', { preferred: true }) });
      }
    }
  },
};
