import { CERTIFICATE_FORMATS, judgedCertificates } from '../../certs/judge';
import { isCa } from '../../x509/certificate';
import type { Rule } from '../rule';

/**
 * A server leaf without DNS or IP subjectAltNames: clients match names against SANs only
 * (RFC 6125 §6.4.4; Chrome since version 58), so a CN-only certificate matches nothing.
 */
export const certNoSan: Rule = {
  id: 'cert/no-san',
  title: 'Certificate without subjectAltName',
  defaultSeverity: 'warning',
  formats: CERTIFICATE_FORMATS,
  check(ctx) {
    for (const c of judgedCertificates(ctx)) {
      if (isCa(c.cert)) continue;
      if (c.cert.extendedKeyUsage && !c.cert.extendedKeyUsage.includes('serverAuth') && !c.cert.extendedKeyUsage.includes('anyExtendedKeyUsage')) continue;
      if (c.cert.sans.some((s) => s.type === 'DNS' || s.type === 'IP' || s.type === 'URI')) continue;
      const cn = c.cert.subjectCommonName;
      ctx.report({ range: c.range, message: `${c.name} has no subjectAltName${cn ? `: clients ignore its CN "${cn}" and match no host name` : ''}` });
    }
  },
};
