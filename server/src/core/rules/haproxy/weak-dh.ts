import { judgeDhFile } from '../../certs/dh';
import { namedUses } from '../../certs/judge';
import type { MaterialRole } from '../../formats/format';
import { haproxyFormat } from '../../formats/haproxy';
import { insertLineAfter, replaceWord } from '../../formats/haproxy/edits';
import { atLeast } from '../../formats/haproxy/keywords';
import { OPENSSL_DEFAULT_CIPHER_LIST } from '../../policy/ciphers/evaluate';
import { suitesOfCipherString } from '../../policy/tls';
import type { Rule } from '../rule';

const DH_ROLES: ReadonlySet<MaterialRole> = new Set(['dh', 'certificate']);

/**
 * Diffie-Hellman groups below 2048 bits (or the profile's `dh_param_size`) for DHE suites
 * (Logjam, weakdh.org; RFC 9325 §4.1): `tune.ssl.default-dh-param` below it, the file
 * `ssl-dh-param-file` names, DH parameters inside a `crt` file (they win over both), and,
 * before HAProxy 2.2, the default of 1024 bits where a TLS bind enables DHE suites and no
 * DH parameters are set (configuration.txt, tune.ssl.default-dh-param; 2048 in 2.2–2.5,
 * none since 2.6).
 */
export const haproxyWeakDh: Rule = {
  id: 'haproxy/weak-dh',
  title: 'Weak Diffie-Hellman parameters',
  defaultSeverity: 'error',
  formats: ['haproxy'],
  check(ctx) {
    const model = ctx.model(haproxyFormat);
    const min = Math.max(2048, ctx.policy.profile.dhParamSize ?? 2048);
    const g = model.effective.global;
    const tune = g.last('tune.ssl.default-dh-param');
    const tuneValue = tune?.words[1];
    if (tuneValue && /^\d+$/.test(tuneValue.value) && Number(tuneValue.value) < min) {
      ctx.report({ range: tuneValue.range, message: `tune.ssl.default-dh-param ${tuneValue.value}: DHE suites use groups of at most ${tuneValue.value} bits; at least ${min} are needed (Logjam; RFC 9325 §4.1; HAProxy on OpenSSL 3 at security level 2 cannot even load them and disables DHE)`, fixes: [{ title: `Set ${min}`, edits: [replaceWord(tuneValue, String(min))], preferred: true }] });
    }
    for (const use of namedUses(ctx, DH_ROLES)) {
      const dh = use.material.role === 'dh';
      const j = judgeDhFile(use.ref, !dh);
      if (!j) continue;
      if ('problem' in j) {
        ctx.report({ range: use.range, severity: 'warning', message: j.problem === 'no-block' ? `${use.ref.written} holds no "DH PARAMETERS" PEM block; HAProxy cannot load it (make one with "openssl dhparam -out dhparam.pem ${min}")` : `the DH parameters in ${use.ref.written} ${j.problem === 'malformed' ? 'are malformed' : 'do not parse'}: ${j.detail}` });
        continue;
      }
      if (j.bits < min) ctx.report({ range: use.range, message: `${use.ref.written} has a ${j.bits}-bit DH prime${dh ? '' : ' (DH parameters in a certificate file win over ssl-dh-param-file)'}; at least ${min} bits are needed (Logjam; RFC 9325 §4.1). Use "openssl dhparam ${min}" or the RFC 7919 ffdhe${min} group` });
    }
    // The 1024-bit default of HAProxy before 2.2.
    if (atLeast(model.version, '2.2') || tune || g.last('ssl-dh-param-file')) return;
    const global = model.config.sections.find((s) => s.kind === 'global');
    for (const proxy of model.effective.frontends) {
      for (const b of proxy.binds) {
        if (!b.tls) continue;
        const dhe = suitesOfCipherString(b.ciphers?.value ?? OPENSSL_DEFAULT_CIPHER_LIST).suites.filter((s) => /^(DH|DHE)$/.test(s.kx) || /^DHE-/.test(s.openssl ?? ''));
        if (dhe.length === 0) continue;
        const after = global ? (global.lines[global.lines.length - 1] ?? global.header) : undefined;
        ctx.report({
          range: b.ciphers?.word.range ?? b.get('ssl')?.key.range ?? b.line.words[0]!.range,
          message: `this bind enables DHE suites (${dhe[0]!.openssl ?? dhe[0]!.iana}…) and sets no DH parameters: HAProxy ${model.version} then uses 1024-bit groups (tune.ssl.default-dh-param); at least ${min} bits are needed`,
          fixes: global && after ? [{ title: `Set tune.ssl.default-dh-param ${min}`, edits: [insertLineAfter(after, `tune.ssl.default-dh-param ${min}`, ctx.doc.text, ctx.doc.lines, global.lines[0])], preferred: true }] : [],
        });
        return;
      }
    }
  },
};
