import { forEachNamed, indexedNames, type NginxArg } from '../../formats/nginx/ast';
import type { CipherSuite, evaluateCipherString } from '../../policy/ciphers/evaluate';
import { WEAK_SUITE_CLASSES, evaluatedCipherString, examples, negotiable, weakClassCounts, type WeakClass } from '../../policy/tls';
import type { Profile } from '../../policy/profiles';
import type { Range } from '../../text';
import { insertInServer } from '../../formats/nginx/edits';
import { settingsOfBlock, tls13Only } from '../../formats/nginx/effective';
import { serverChain } from '../../formats/nginx/unknowns';
import type { Rule, RuleContext } from '../rule';

const CIPHER_DIRECTIVES = indexedNames(new Set(['ssl_ciphers', 'proxy_ssl_ciphers', 'grpc_ssl_ciphers', 'uwsgi_ssl_ciphers']));

/** Per profile and cipher string, the weak classes it enables (servers repeat the same few strings). */
const classMemo = new WeakMap<Profile, Map<string, ReadonlyArray<{ cls: WeakClass; hits: CipherSuite[] }>>>();

function weakClasses(profile: Profile, value: string, result: ReturnType<typeof evaluateCipherString>, allowed: ReadonlySet<string>): ReadonlyArray<{ cls: WeakClass; hits: CipherSuite[] }> {
  let byValue = classMemo.get(profile);
  if (!byValue) classMemo.set(profile, (byValue = new Map<string, ReadonlyArray<{ cls: WeakClass; hits: CipherSuite[] }>>()));
  const known = byValue.get(value);
  if (known) return known;
  const usable = result.valid ? result.suites.filter(negotiable) : [];
  const flagged = new Set<number>();
  const out: Array<{ cls: WeakClass; hits: CipherSuite[] }> = [];
  for (const cls of WEAK_SUITE_CLASSES) {
    const hits = usable.filter((s) => !flagged.has(s.code) && weakClassCounts(cls, s, allowed));
    if (hits.length === 0) continue;
    for (const s of hits) flagged.add(s.code);
    out.push({ cls, hits });
  }
  if (byValue.size >= 256) byValue.delete(byValue.keys().next().value!);
  byValue.set(value, out);
  return out;
}

/** Words naming weak suites that OpenSSL 3.0 no longer offers but nginx built on older OpenSSL enables. */
const LEGACY_WEAK_WORD = /^(RC4|3DES|DES|EXP|EXPORT|IDEA|SEED|RC2|[A-Z0-9-]*(RC4|DES-CBC3|DES-CBC|IDEA|SEED|EXP)[A-Z0-9-]*)$/;

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
      const profileAlias = /(^|[:, ])PROFILE=\S*/i.exec(arg.value);
      const result = profileAlias ? undefined : evaluatedCipherString(arg.value);
      const classFindings = result ? weakClasses(profile, arg.value, result, allowed) : [];
      // Most strings are fine: nothing more to look up for them.
      if (result && result.problems.length === 0 && classFindings.length === 0) return;
      // TLS 1.3 suites are not set by *_ciphers (OpenSSL's own, or ssl_conf_command Ciphersuites):
      // where only TLS 1.3 is enabled, the string is never used.
      const protocols = d.name.replace(/ciphers$/, 'protocols');
      if (parent && tls13Only(settingsOfBlock(cfg, parent)?.get(protocols)?.args)) return;
      const fix = replacement
        ? [{ title: `Use the ${profile.name} profile's ciphers`, edits: [{ range: arg.range, newText: replacement }], preferred: true }]
        : [];
      if (!result) {
        // A system-wide crypto policy alias (Fedora/RHEL OpenSSL): what it enables depends on the host.
        const word = profileAlias![0].replace(/^[:, ]/, '');
        ctx.report({
          range: rangeInArg(ctx, arg, arg.value.indexOf(word), word.length),
          severity: 'info',
          message: `${d.name}: ${word} names the system's crypto policy (Fedora/RHEL OpenSSL); TLS Lens cannot judge what it enables`,
        });
        return;
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
      suites = evaluatedCipherString(cipherString).suites.filter((x) => negotiable(x) && WEAK_SUITE_CLASSES.some((c) => weakClassCounts(c, x, allowed)));
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
export { WEAK_SUITE_CLASSES, weakClassCounts, type WeakClass };
