import type { NginxDirective } from '../../formats/nginx/ast';
import { walkDirectives } from '../../formats/nginx/ast';
import type { Fix } from '../../findings';
import type { TlsProtocol } from '../../policy/profiles';
import type { Rule } from '../rule';

/**
 * Directives that take a protocol list. `ssl_protocols` is the server side (http, mail,
 * stream); the others pick the protocols nginx offers to upstream servers.
 */
const PROTOCOL_DIRECTIVES = new Set(['ssl_protocols', 'proxy_ssl_protocols', 'grpc_ssl_protocols', 'uwsgi_ssl_protocols']);

/**
 * Why each old version is weak. SSL 2.0: RFC 6176 prohibits it; SSL 3.0: RFC 7568
 * deprecates it (POODLE); TLS 1.0 and 1.1: RFC 8996 deprecates both.
 */
const WEAK: Partial<Record<TlsProtocol, { why: string; severity: 'error' | 'warning' }>> = {
  SSLv2: { why: 'prohibited by RFC 6176', severity: 'error' },
  SSLv3: { why: 'deprecated by RFC 7568 (POODLE)', severity: 'error' },
  TLSv1: { why: 'deprecated by RFC 8996', severity: 'warning' },
  'TLSv1.1': { why: 'deprecated by RFC 8996', severity: 'warning' },
};

function removalFix(d: NginxDirective, weak: ReadonlySet<string>, fallback: readonly string[]): Fix | undefined {
  if (d.args.length === 0) return undefined;
  const kept = d.args.map((a) => a.value).filter((v) => !weak.has(v));
  const replacement = kept.length > 0 ? kept : [...fallback];
  const removed = d.args.map((a) => a.value).filter((v) => weak.has(v));
  const first = d.args[0]!.range.start;
  const last = d.args[d.args.length - 1]!.range.end;
  return {
    title: kept.length > 0 ? `Remove ${removed.join(', ')} from ${d.name}` : `Set ${d.name} to ${replacement.join(' ')}`,
    edits: [{ range: { start: first, end: last }, newText: replacement.join(' ') }],
    preferred: true,
  };
}

export const weakProtocol: Rule = {
  id: 'nginx/weak-protocol',
  title: 'ssl_protocols enables SSLv2, SSLv3, TLSv1 or TLSv1.1',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    const allowed = new Set<string>(ctx.policy.profile.protocols);
    const weakHere = new Set(Object.keys(WEAK).filter((p) => !allowed.has(p)));
    walkDirectives(ctx.nginx().directives, (d) => {
      if (!PROTOCOL_DIRECTIVES.has(d.name)) return;
      const offending = d.args.filter((a) => weakHere.has(a.value));
      if (offending.length === 0) return;
      const fix = removalFix(d, weakHere, ctx.policy.profile.protocols);
      for (const arg of offending) {
        const weak = WEAK[arg.value as TlsProtocol]!;
        ctx.report({
          range: arg.range,
          severity: weak.severity,
          message: `${d.name} enables ${arg.value}, ${weak.why}; the ${ctx.policy.profile.name} profile allows ${ctx.policy.profile.protocols.join(', ')}`,
          fixes: fix ? [fix] : [],
        });
      }
    });
  },
};
