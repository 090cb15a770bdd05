import type { NginxArg, NginxDirective } from '../../formats/nginx/ast';
import { forEachNamed, indexedNames } from '../../formats/nginx/ast';
import type { Fix } from '../../findings';
import type { Rule, RuleContext } from '../rule';

/**
 * `ssl_ecdh_curve` (http, stream, mail) and `ssl_conf_command Groups|Curves` hand their
 * list to OpenSSL's `SSL_CTX_set1_groups_list` (docs.openssl.org, SSL_CTX_set1_curves(3)).
 * A name that OpenSSL does not know makes the call fail, and nginx refuses to start. From
 * OpenSSL 3.5 a `?` before a name makes it optional (ignored when unknown); `*` asks for a
 * key share, `-` removes a name from `DEFAULT`, `/` separates preference tuples.
 * The upstream side has no `proxy_ssl_ecdh_curve`; its groups are set with
 * `proxy_ssl_conf_command Groups …` (likewise `grpc_`, `uwsgi_`).
 */

/** Post-quantum hybrids (OpenSSL 3.5 names) and the draft Kyber name some builds and providers used. */
const POST_QUANTUM = new Set(['x25519mlkem768', 'secp256r1mlkem768', 'secp384r1mlkem1024', 'x25519kyber768draft00', 'x448mlkem1024', 'mlkem512', 'mlkem768', 'mlkem1024']);

/** OpenSSL's aliases for the NIST curves (NIST name, SEC 2 name, X9.62 name). */
const ALIASES: Record<string, string> = { 'p-256': 'prime256v1', secp256r1: 'prime256v1', 'p-384': 'secp384r1', 'p-521': 'secp521r1', 'p-224': 'secp224r1', 'p-192': 'prime192v1', secp192r1: 'prime192v1' };

/**
 * Groups TLS still defines for key exchange: RFC 8422 §5.1.1 deprecates every other curve
 * for TLS 1.2, and RFC 8446 §4.2.7 does not list them for TLS 1.3 (brainpool's TLS 1.3
 * code points: RFC 8734; finite-field groups: RFC 7919; ML-KEM hybrids above).
 */
const CURRENT = new Set(['prime256v1', 'secp384r1', 'secp521r1', 'x25519', 'x448', 'ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192', 'brainpoolp256r1tls13', 'brainpoolp384r1tls13', 'brainpoolp512r1tls13']);

/** Names of the deprecated curves OpenSSL still accepts (binary sect*, small or Koblitz prime curves, pre-TLS 1.3 brainpool). */
function isObsolete(canon: string): boolean {
  return /^(sect\d+[rk]\d|secp\d+[rk]\d|prime\d+v\d|brainpoolp\d+r1)$/.test(canon) && !CURRENT.has(canon);
}

function canonical(name: string): string {
  const n = name.toLowerCase();
  return ALIASES[n] ?? n;
}

interface GroupItem {
  /** The name without its prefixes. */
  name: string;
  optional: boolean;
  removal: boolean;
  /** Offset of the item (its first prefix character) in the argument's value. */
  at: number;
}

/** Splits a group list (`:`-separated, `/` between tuples in OpenSSL 3.5) into its items. */
export function parseGroupList(value: string): GroupItem[] {
  const out: GroupItem[] = [];
  const re = /[^:/]+/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const raw = m[0];
    const prefix = /^[?*-]*/.exec(raw)![0];
    const name = raw.slice(prefix.length).trim();
    if (name === '') continue;
    out.push({ name, optional: prefix.includes('?'), removal: prefix.includes('-'), at: m.index });
  }
  return out;
}

/** The argument's value maps one-to-one onto its source text (no escapes), so offsets in it are offsets in the file. */
function valueStart(ctx: RuleContext, arg: NginxArg): number | undefined {
  if (arg.range.start.line !== arg.range.end.line) return undefined;
  const lines = ctx.doc.lines;
  const start = lines.offsetAt(arg.range.start) + (arg.quoted ? 1 : 0);
  return ctx.doc.text.slice(start, start + arg.value.length) === arg.value ? start : undefined;
}

const GROUP_DIRECTIVES = indexedNames(['ssl_ecdh_curve', 'ssl_conf_command', 'proxy_ssl_conf_command', 'grpc_ssl_conf_command', 'uwsgi_ssl_conf_command']);

function listArg(d: NginxDirective): { arg: NginxArg; server: boolean } | undefined {
  if (d.block) return undefined;
  if (d.name === 'ssl_ecdh_curve') return d.args[0] ? { arg: d.args[0], server: true } : undefined;
  const m = /^(ssl|proxy_ssl|grpc_ssl|uwsgi_ssl)_conf_command$/.exec(d.name);
  if (!m) return undefined;
  const cmd = d.args[0]?.value.toLowerCase();
  if ((cmd !== 'groups' && cmd !== 'curves') || !d.args[1]) return undefined;
  return { arg: d.args[1], server: m[1] === 'ssl' };
}

export const ecdhCurve: Rule = {
  id: 'nginx/ecdh-curve',
  title: 'ssl_ecdh_curve: post-quantum groups without "?", obsolete curves, groups outside the profile',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    const profile = ctx.policy.profile;
    const allowed = new Set(profile.groups.map(canonical));
    forEachNamed(ctx.nginx().directives, GROUP_DIRECTIVES, (d) => {
      const found = listArg(d);
      if (!found) return;
      const { arg, server } = found;
      if (arg.value.includes('$')) return;
      const items = parseGroupList(arg.value);
      if (items.length === 1 && items[0]!.name.toLowerCase() === 'auto' && d.name === 'ssl_ecdh_curve') return;
      const start = valueStart(ctx, arg);
      const at = (i: GroupItem) => {
        if (start === undefined) return arg.range;
        return ctx.doc.lines.rangeOf(start + i.at, start + i.at + arg.value.slice(i.at).search(/[:/]|$/));
      };
      const pq = items.filter((i) => !i.removal && !i.optional && POST_QUANTUM.has(i.name.toLowerCase()));
      let fix: Fix | undefined;
      if (pq.length && start !== undefined) {
        fix = {
          title: `Make ${pq.map((i) => i.name).join(', ')} optional ("?")`,
          edits: pq.map((i) => {
            const p = ctx.doc.lines.positionAt(start + i.at);
            return { range: { start: p, end: p }, newText: '?' };
          }),
          preferred: true,
        };
      }
      for (const i of pq) {
        ctx.report({
          range: at(i),
          message: `${d.name} lists the post-quantum group ${i.name} without "?": an OpenSSL that does not know it fails to load the list and nginx does not start; "?${i.name}" (OpenSSL 3.5) makes it optional`,
          fixes: fix ? [fix] : [],
        });
      }
      if (!server) return;
      for (const i of items) {
        if (i.removal || i.name.toUpperCase() === 'DEFAULT' || i.name.toLowerCase() === 'auto') continue;
        const canon = canonical(i.name);
        if (allowed.has(canon)) continue;
        if (canon === 'x25519kyber768draft00') {
          ctx.report({
            range: at(i),
            message: `${d.name} offers ${i.name}, a pre-standard draft of X25519MLKEM768 that clients no longer offer: use X25519MLKEM768`,
          });
        } else if (isObsolete(canon)) {
          ctx.report({
            range: at(i),
            message: `${d.name} offers ${i.name}, a curve deprecated for TLS (RFC 8422 §5.1.1) and absent from TLS 1.3 (RFC 8446 §4.2.7); the ${profile.name} profile's groups are ${profile.groups.join(', ')}`,
          });
        } else {
          ctx.report({
            range: at(i),
            severity: 'info',
            message: `${d.name} offers ${i.name}, which is not among the ${profile.name} profile's groups (${profile.groups.join(', ')})`,
          });
        }
      }
    });
  },
};
