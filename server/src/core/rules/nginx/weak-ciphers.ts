import { forEachNamed, type NginxArg } from '../../formats/nginx/ast';
import { evaluateCipherString, type CipherSuite } from '../../policy/ciphers/evaluate';
import type { Profile } from '../../policy/profiles';
import type { Range } from '../../text';
import { insertInServer } from '../../formats/nginx/edits';
import { settingsOfBlock, tls13Only } from '../../formats/nginx/effective';
import { serverChain } from '../../formats/nginx/unknowns';
import type { Rule, RuleContext } from '../rule';

/**
 * Evaluations by cipher string: a big configuration repeats the same few strings in every
 * server, and an editor re-lints on every pause. Results are never mutated; bounded.
 */
const evaluations = new Map<string, ReturnType<typeof evaluateCipherString>>();
function evaluated(s: string): ReturnType<typeof evaluateCipherString> {
  let r = evaluations.get(s);
  if (!r) {
    if (evaluations.size >= 256) evaluations.delete(evaluations.keys().next().value!);
    evaluations.set(s, (r = evaluateCipherString(s)));
  }
  return r;
}

const CIPHER_DIRECTIVES = new Set(['ssl_ciphers', 'proxy_ssl_ciphers', 'grpc_ssl_ciphers', 'uwsgi_ssl_ciphers']);

/**
 * Classes of weak suites, worst first. Sources: RFC 7465 (RC4 prohibited), RFC 9325 (no
 * NULL, export or < 112-bit suites; forward secrecy and AEAD recommended), SWEET32
 * (CVE-2016-2183) for 64-bit block ciphers, RFC 6151 for MD5.
 */
interface WeakClass {
  id: string;
  label: string;
  severity: 'error' | 'warning';
  test: (s: CipherSuite) => boolean;
  /** Whether the profile's own list makes it acceptable (e.g. 3DES and static RSA in "old"). */
  profileMayAllow: boolean;
}

const SIXTY_FOUR_BIT = /^(3DES|DES|IDEA|SEED|RC2)/i;

const CLASSES: readonly WeakClass[] = [
  { id: 'null', label: 'no encryption (NULL)', severity: 'error', test: (s) => /^none$/i.test(s.enc) || s.bits === 0, profileMayAllow: false },
  { id: 'anon', label: 'no authentication (anonymous)', severity: 'error', test: (s) => /^none$/i.test(s.au) || /^(ADH|AECDH)-/.test(s.openssl ?? ''), profileMayAllow: false },
  { id: 'export', label: 'export-grade keys', severity: 'error', test: (s) => s.export, profileMayAllow: false },
  { id: 'rc4', label: 'RC4 (RFC 7465 prohibits it)', severity: 'error', test: (s) => /RC4/i.test(s.enc), profileMayAllow: false },
  { id: '64bit', label: '64-bit block ciphers (3DES and the like, SWEET32)', severity: 'warning', test: (s) => SIXTY_FOUR_BIT.test(s.enc), profileMayAllow: true },
  { id: 'md5', label: 'MD5 MACs', severity: 'warning', test: (s) => /^MD5$/i.test(s.mac), profileMayAllow: false },
  { id: 'nofs', label: 'no forward secrecy (static key exchange)', severity: 'warning', test: (s) => !s.forwardSecrecy, profileMayAllow: true },
  { id: 'cbc', label: 'no AEAD (CBC mode with HMAC)', severity: 'warning', test: (s) => !s.aead, profileMayAllow: true },
];

/** PSK and SRP suites need callbacks nginx does not set: they are never negotiated. */
function negotiable(s: CipherSuite): boolean {
  return !/PSK|SRP/.test(s.kx);
}

/** Whether a class holds a suite against the profile (a class the profile may allow spares the suites it lists). */
function counts(cls: WeakClass, s: CipherSuite, allowed: ReadonlySet<string>): boolean {
  return cls.test(s) && !(cls.profileMayAllow && s.openssl !== null && allowed.has(s.openssl));
}

/** Words naming weak suites that OpenSSL 3.0 no longer offers but nginx built on older OpenSSL enables. */
const LEGACY_WEAK_WORD = /^(RC4|3DES|DES|EXP|EXPORT|IDEA|SEED|RC2|[A-Z0-9-]*(RC4|DES-CBC3|DES-CBC|IDEA|SEED|EXP)[A-Z0-9-]*)$/;

function examples(suites: readonly CipherSuite[]): string {
  const names = suites.slice(0, 3).map((s) => s.openssl ?? s.iana);
  return names.join(', ') + (suites.length > 3 ? `, … (${suites.length} in all)` : '');
}

/** Maps an offset in the argument's value to a range in the document, when the value is written plainly. */
function rangeInArg(ctx: RuleContext, arg: NginxArg, offset: number, length: number): Range {
  const start = ctx.doc.lines.offsetAt(arg.range.start);
  const raw = ctx.doc.text.slice(start, ctx.doc.lines.offsetAt(arg.range.end));
  const shift = raw === arg.value ? 0 : raw.length === arg.value.length + 2 && raw.slice(1, -1) === arg.value ? 1 : -1;
  if (shift < 0) return arg.range;
  return ctx.doc.lines.rangeOf(start + shift + offset, start + shift + offset + length);
}

function profileCiphers(p: Profile): string | undefined {
  return p.ciphers.openssl.length ? p.ciphers.openssl.join(':') : undefined;
}

export const weakCiphers: Rule = {
  id: 'nginx/weak-ciphers',
  title: 'The cipher string enables weak or insecure suites',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    const profile = ctx.policy.profile;
    const allowed = new Set(profile.ciphers.openssl);
    const replacement = profileCiphers(profile);
    judgeDefaults(ctx, allowed, replacement);
    const cfg = ctx.nginxEffective();
    forEachNamed(ctx.nginx().directives, CIPHER_DIRECTIVES, (d, parent) => {
      if (!CIPHER_DIRECTIVES.has(d.name)) return;
      const arg = d.args[0];
      // nginx does not expand variables here: a "$" is a template tag (or an error nginx reports).
      if (!arg || d.args.length !== 1 || arg.value.includes('$')) return;
      // TLS 1.3 suites are not set by *_ciphers (OpenSSL's own, or ssl_conf_command Ciphersuites):
      // where only TLS 1.3 is enabled, the string is never used.
      const protocols = d.name.replace(/ciphers$/, 'protocols');
      if (parent && tls13Only(settingsOfBlock(cfg, parent)?.get(protocols)?.args)) return;
      const fix = replacement
        ? [{ title: `Use the ${profile.name} profile's ciphers`, edits: [{ range: arg.range, newText: replacement }], preferred: true }]
        : [];
      const profileAlias = /(^|[:, ])PROFILE=\S*/i.exec(arg.value);
      if (profileAlias) {
        // A system-wide crypto policy alias (Fedora/RHEL OpenSSL): what it enables depends on the host.
        const word = profileAlias[0].replace(/^[:, ]/, '');
        ctx.report({
          range: rangeInArg(ctx, arg, arg.value.indexOf(word), word.length),
          severity: 'info',
          message: `${d.name}: ${word} names the system's crypto policy (Fedora/RHEL OpenSSL); TLS Lens cannot judge what it enables`,
        });
        return;
      }
      const result = evaluated(arg.value);
      const usable = result.valid ? result.suites.filter(negotiable) : [];
      const flagged = new Set<number>();
      const classFindings: Array<{ cls: WeakClass; hits: CipherSuite[] }> = [];
      for (const cls of CLASSES) {
        const hits = usable.filter((s) => !flagged.has(s.code) && counts(cls, s, allowed));
        if (hits.length === 0) continue;
        for (const s of hits) flagged.add(s.code);
        classFindings.push({ cls, hits });
      }
      for (const p of result.problems) {
        const range = rangeInArg(ctx, arg, p.offset, p.length);
        const word = arg.value.slice(p.offset, p.offset + p.length);
        if (p.kind === 'syntax' || p.kind === 'empty') {
          ctx.report({ range, severity: 'error', message: `${d.name}: ${p.message}; nginx will not start with it`, fixes: fix });
          continue;
        }
        // A word removed with a "!" or "-" takes nothing away that is there: harmless.
        if (/[!-]$/.test(arg.value.slice(0, p.offset))) continue;
        if (LEGACY_WEAK_WORD.test(word)) {
          ctx.report({ range, message: `${d.name} asks for ${word}: OpenSSL 3.0 offers no such suite, but nginx built with an older OpenSSL enables it; remove it`, fixes: fix });
        } else if (classFindings.length === 0) {
          // A word OpenSSL 3 does not know (EXPORT56, +LOW) enables nothing: when the expanded
          // list is judged weak anyway, it needs no finding of its own.
          ctx.report({ range, severity: 'info', message: `${d.name}: ${p.message}` });
        }
      }
      for (const { cls, hits } of classFindings) {
        ctx.report({
          range: arg.range,
          severity: cls.severity,
          message: `${d.name} enables suites with ${cls.label}: ${examples(hits)}; the ${profile.name} profile ${replacement ? `allows ${profile.ciphers.openssl.length} suites` : 'allows TLS 1.3 only'}`,
          fixes: fix,
        });
      }
    });
  },
};

/**
 * A TLS server with no ssl_ciphers anywhere gets nginx's default, HIGH:!aNULL:!MD5, which
 * enables static-RSA and CBC suites. Reported once per server (info) when the file shows
 * the whole picture (no includes, not a snippet of an unseen http block) and the profile
 * allows TLS 1.2.
 */
function judgeDefaults(ctx: RuleContext, allowed: ReadonlySet<string>, replacement: string | undefined): void {
  if (!replacement) return;
  const cfg = ctx.nginxEffective();
  const weakByString = new Map<string, CipherSuite[]>();
  for (const server of cfg.servers) {
    if (server.module !== 'http' || !server.tls || server.settings.flag('ssl_reject_handshake') === true) continue;
    const value = server.settings.get('ssl_ciphers');
    if (!value || value.origin !== 'default') continue;
    // With TLS 1.3 only, no cipher string is used.
    if (tls13Only(server.settings.get('ssl_protocols')?.args)) continue;
    const listen = [...server.listens].reverse().find((l) => l.ssl && !l.implicit)?.directive;
    const assumptions = ctx.nginxUnknowns().judge(serverChain(cfg, server), ['ssl_ciphers', 'ssl_protocols'], server.module, 'ssl_ciphers', listen ? listen.range : server.directive.nameRange);
    if (!assumptions) continue;
    // Every such server has the same default string: expand and judge it once.
    const cipherString = value.args.join(' ');
    let suites = weakByString.get(cipherString);
    if (!suites) {
      suites = evaluated(cipherString).suites.filter((x) => negotiable(x) && CLASSES.some((c) => counts(c, x, allowed)));
      weakByString.set(cipherString, suites);
    }
    if (suites.length === 0) continue;
    ctx.report({
      assumptions,
      range: listen ? listen.range : server.directive.nameRange,
      severity: 'info',
      message: `no ssl_ciphers here or above: nginx's default ${value.args.join(' ')} enables ${suites.length} suites without forward secrecy or AEAD, e.g. ${examples(suites)}`,
      fixes: [{ title: `Set the ${ctx.policy.profile.name} profile's ciphers`, edits: [insertInServer(server.directive, listen, [`ssl_ciphers ${replacement};`], ctx.doc.lines)], preferred: true }],
    });
  }
}

/** The same classes judge the suites a live server accepted (core/probe/verdicts.ts, grade.ts). */
export { CLASSES as WEAK_SUITE_CLASSES, counts as weakClassCounts, type WeakClass };
