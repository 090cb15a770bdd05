import type { NginxDirective } from '../../formats/nginx/ast';
import { forEachNamed, indexedNames } from '../../formats/nginx/ast';
import type { Fix, TextEdit } from '../../findings';
import { targetsAtLeast } from '../../policy/nginxVersion';
import type { TlsProtocol } from '../../policy/profiles';
import { PROTOCOL_ORDER, WEAK_PROTOCOLS, strongerProtocols } from '../../policy/tls';
import type { Rule } from '../rule';

/**
 * Directives that take a protocol list. `ssl_protocols` is the server side (http, mail,
 * stream); the others pick the protocols nginx offers to upstream servers.
 */
const PROTOCOL_DIRECTIVES = indexedNames(new Set(['ssl_protocols', 'proxy_ssl_protocols', 'grpc_ssl_protocols', 'uwsgi_ssl_protocols']));

/** Why each old version is weak (`policy/tls.ts`). */
const WEAK = WEAK_PROTOCOLS;

/** nginx compares protocol names without regard to case (ngx_conf_set_bitmask_slot uses ngx_strcasecmp). */
const CANONICAL = new Map<string, string>(['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'].map((p) => [p.toLowerCase(), p]));

function canonical(value: string): string {
  return CANONICAL.get(value.toLowerCase()) ?? value;
}

/**
 * Removes the weak arguments and nothing else: each run of consecutive weak arguments
 * goes with the blank that separates it from a neighbour on the same line, so comments
 * and line breaks in the list stay. The profile's versions newer than every version kept
 * are added after the last one kept (TLSv1 TLSv1.1 TLSv1.2 becomes TLSv1.2 TLSv1.3 under
 * intermediate), so the fix never leaves less than the profile allows. When no argument
 * would remain, the profile's versions replace the list.
 */
function removalFix(d: NginxDirective, weak: ReadonlySet<string>, fallback: readonly string[], addable: readonly TlsProtocol[]): Fix | undefined {
  const args = d.args;
  if (args.length === 0) return undefined;
  const isWeak = args.map((a) => weak.has(canonical(a.value)));
  const removed = args.filter((_, i) => isWeak[i]).map((a) => canonical(a.value));
  if (isWeak.every(Boolean)) {
    return {
      title: `Set ${d.name} to ${fallback.join(' ')}`,
      edits: [{ range: { start: args[0]!.range.start, end: args[args.length - 1]!.range.end }, newText: fallback.join(' ') }],
      preferred: true,
    };
  }
  const edits: TextEdit[] = [];
  for (let i = 0; i < args.length; i++) {
    if (!isWeak[i]) continue;
    let j = i;
    while (j + 1 < args.length && isWeak[j + 1] && args[j + 1]!.range.start.line === args[j]!.range.end.line) j++;
    const first = args[i]!;
    const last = args[j]!;
    const next = args[j + 1];
    const prev = args[i - 1];
    let { start } = first.range;
    let { end } = last.range;
    if (next && next.range.start.line === last.range.end.line) end = next.range.start;
    else if (prev && prev.range.end.line === first.range.start.line) start = prev.range.end;
    else if (!prev && d.nameRange.end.line === first.range.start.line) start = d.nameRange.end;
    edits.push({ range: { start, end }, newText: '' });
    i = j;
  }
  // What the profile allows above the newest version kept is added (nothing when a kept word is no version).
  const kept = args.filter((_, i) => !isWeak[i]);
  const versions = kept.map((a) => canonical(a.value) as TlsProtocol);
  const added = versions.every((v) => PROTOCOL_ORDER.includes(v)) ? strongerProtocols(versions, () => false, addable).slice(versions.length) : [];
  if (added.length) {
    const at = kept[kept.length - 1]!.range.end;
    const text = added.map((p) => ` ${p}`).join('');
    // A removal that starts where the last kept version ends takes the addition as its text.
    const joined = edits.find((e) => e.range.start.line === at.line && e.range.start.character === at.character);
    if (joined) joined.newText = text;
    else edits.push({ range: { start: at, end: at }, newText: text });
  }
  const title = `Remove ${removed.join(', ')} from ${d.name}${added.length ? ` and add ${added.join(', ')}` : ''}`;
  return { title, edits, preferred: true };
}


export const weakProtocol: Rule = {
  id: 'nginx/weak-protocol',
  title: 'ssl_protocols enables SSLv2, SSLv3, TLSv1 or TLSv1.1',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    const allowed = new Set<string>(ctx.policy.profile.protocols);
    const weakHere = new Set(Object.keys(WEAK).filter((p) => !allowed.has(p)));
    // TLSv1.3 is a valid ssl_protocols value from nginx 1.13.0 (an unknown target is assumed newer).
    const addable = ctx.policy.profile.protocols.filter((p) => p !== 'TLSv1.3' || targetsAtLeast(ctx.policy.nginxVersion, '1.13.0'));
    forEachNamed(ctx.nginx().directives, PROTOCOL_DIRECTIVES, (d) => {
      if (!PROTOCOL_DIRECTIVES.has(d.name)) return;
      const offending = d.args.filter((a) => weakHere.has(canonical(a.value)));
      if (offending.length === 0) return;
      const fix = removalFix(d, weakHere, ctx.policy.profile.protocols, addable);
      for (const arg of offending) {
        const weak = WEAK[canonical(arg.value) as TlsProtocol]!;
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
