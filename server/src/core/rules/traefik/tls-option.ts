import { resourceKindKey } from '../../formats/kube/resources';
import { reportResource } from '../kubeReport';
import { WEAK_PROTOCOLS, examples, judgeSuites, olderThan, profileMin, suiteByName } from '../../formats/kube/tls';
import type { CipherSuite } from '../../policy/ciphers/types';
import type { TlsProtocol } from '../../policy/profiles';
import type { Rule } from '../rule';
import { setScalarFix } from '../../formats/kube/edits';

const VERSIONS: Record<string, TlsProtocol> = { VersionTLS10: 'TLSv1', VersionTLS11: 'TLSv1.1', VersionTLS12: 'TLSv1.2', VersionTLS13: 'TLSv1.3' };

export const TLS_OPTION_KINDS = ['TLSOption.traefik.io', 'TLSOption.traefik.containo.us'];

/**
 * Traefik TLSOption `minVersion` (VersionTLS10 … VersionTLS13, default VersionTLS12) below
 * the profile, and `cipherSuites` (Go's IANA names) judged like the other cipher rules.
 */
export const tlsOption: Rule = {
  id: 'traefik/tls-option',
  title: 'Traefik TLSOption allows old TLS versions or weak cipher suites',
  defaultSeverity: 'warning',
  formats: ['kubernetes'],
  kinds: TLS_OPTION_KINDS,
  check(ctx) {
    const profile = ctx.policy.profile;
    for (const r of ctx.kube().resources) {
      if (!TLS_OPTION_KINDS.includes(resourceKindKey(r))) continue;
      const minNode = r.spec.get('minVersion');
      const min = VERSIONS[minNode.str() ?? ''];
      if (min && olderThan(min, profileMin(profile))) {
        const weak = WEAK_PROTOCOLS[min];
        const wanted = Object.keys(VERSIONS).find((k) => VERSIONS[k] === profileMin(profile));
        const fixes = wanted ? setScalarFix(`Set minVersion ${wanted}`, minNode, wanted, { preferred: true }) : [];
        reportResource(ctx, r, { range: minNode.at, severity: weak?.severity ?? 'warning', message: `minVersion ${minNode.str()} allows ${min}${weak ? `, ${weak.why}` : ''}; the ${profile.name} profile starts at ${profileMin(profile)}`, fixes });
      }
      const list = r.spec.get('cipherSuites');
      const suites: CipherSuite[] = [];
      for (const n of list.strings()) {
        const s = suiteByName(n.value);
        if (s) suites.push(s);
      }
      for (const w of judgeSuites(suites, profile)) {
        reportResource(ctx, r, { range: list.keyRange, severity: w.severity, message: `cipherSuites enable suites with ${w.label}: ${examples(w.suites)}` });
      }
    }
  },
};
