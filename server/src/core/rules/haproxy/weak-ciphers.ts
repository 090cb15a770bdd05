import type { Fix } from '../../findings';
import { haproxyFormat, type HaproxyModel } from '../../formats/haproxy';
import { appendToLine, insertLineAfter, replaceWord } from '../../formats/haproxy/edits';
import type { HaproxyWord } from '../../formats/haproxy/parser';
import { OPENSSL_DEFAULT_CIPHER_LIST } from '../../policy/ciphers/evaluate';
import { evaluatedCipherString, examples, judgeCiphersuites, judgeSuites, suitesOfCipherString } from '../../policy/tls';
import type { Range } from '../../text';
import type { Rule, RuleContext } from '../rule';

/** A cipher value and the keyword it belongs to. */
interface CipherValue {
  keyword: string;
  word: HaproxyWord;
  tls13: boolean;
}

/** Every `ciphers`/`ciphersuites` value written: bind, server and default-server options, and the global ssl-default-* settings. */
function cipherValues(model: HaproxyModel): CipherValue[] {
  const out: CipherValue[] = [];
  const seen = new Set<HaproxyWord>();
  const add = (keyword: string, word: HaproxyWord | undefined, tls13: boolean): void => {
    if (!word || word.env || seen.has(word)) return;
    seen.add(word);
    out.push({ keyword, word, tls13 });
  };
  const g = model.effective.global;
  for (const side of ['bind', 'server'] as const) {
    add(`ssl-default-${side}-ciphers`, g[side].ciphers?.word, false);
    add(`ssl-default-${side}-ciphersuites`, g[side].ciphersuites?.word, true);
  }
  for (const p of model.effective.proxies) {
    for (const x of [...p.binds.flatMap((b) => b.options), ...p.servers.flatMap((s) => s.options)]) {
      if (x.key.value === 'ciphers') add('ciphers', x.value, false);
      else if (x.key.value === 'ciphersuites') add('ciphersuites', x.value, true);
    }
  }
  return out;
}

/** A range inside a word, when the word is written plainly or in plain quotes (else the whole word). */
function inWord(ctx: RuleContext, word: HaproxyWord, offset: number, length: number): Range {
  const shift = word.raw === word.value ? 0 : word.raw.length === word.value.length + 2 && word.raw.slice(1, -1) === word.value ? 1 : -1;
  if (shift < 0) return word.range;
  return ctx.doc.lines.rangeOf(word.offset + shift + offset, word.offset + shift + offset + length);
}

/**
 * The cipher strings HAProxy hands to OpenSSL (`ciphers`, `ssl-default-bind-ciphers`,
 * `ssl-default-server-ciphers`), expanded as OpenSSL 3.0 does, and the TLS 1.3 lists
 * (`ciphersuites`, `ssl-default-*-ciphersuites`), judged with the classes every format
 * shares (policy/tls.ts); a TLS bind line with no cipher string anywhere gets OpenSSL's
 * DEFAULT list, which enables static-RSA and CBC suites.
 */
export const haproxyWeakCiphers: Rule = {
  id: 'haproxy/weak-ciphers',
  title: 'The cipher string or TLS 1.3 suites enable weak or unknown suites',
  defaultSeverity: 'warning',
  formats: ['haproxy'],
  check(ctx) {
    const model = ctx.model(haproxyFormat);
    const profile = ctx.policy.profile;
    const replacement = profile.ciphers.openssl.length ? profile.ciphers.openssl.join(':') : undefined;
    const suites13 = profile.ciphersuites.join(':');
    for (const v of cipherValues(model)) {
      if (v.tls13) {
        const j = judgeCiphersuites(v.word.value, profile);
        const fix: Fix[] = [{ title: `Use the ${profile.name} profile's TLS 1.3 suites`, edits: [replaceWord(v.word, suites13)], preferred: true }];
        const allUnknown = j.empty || j.unknown.length > 0 && j.outside.length === 0 && j.unknown.length === v.word.value.split(':').filter((x) => x.trim()).length;
        if (allUnknown) {
          ctx.report({ range: v.word.range, severity: 'error', message: `${v.keyword} names no TLS 1.3 suite OpenSSL knows; HAProxy will not start ("unable to set TLS 1.3 cipher suites")`, fixes: fix });
          continue;
        }
        for (const u of j.unknown) ctx.report({ range: inWord(ctx, v.word, u.offset, u.name.length), severity: 'info', message: `${v.keyword}: OpenSSL knows no TLS 1.3 suite ${u.name} and ignores it (TLS 1.3 has TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_CCM_SHA256, TLS_AES_128_CCM_8_SHA256)`, fixes: fix });
        if (j.outside.length) ctx.report({ range: v.word.range, message: `${v.keyword} enables ${j.outside.map((o) => o.name).join(', ')}, which the ${profile.name} profile does not list (it allows ${suites13})`, fixes: fix });
        continue;
      }
      const fix: Fix[] = replacement ? [{ title: `Use the ${profile.name} profile's ciphers`, edits: [replaceWord(v.word, replacement)], preferred: true }] : [];
      const result = evaluatedCipherString(v.word.value);
      for (const p of result.problems) {
        const range = inWord(ctx, v.word, p.offset, p.length);
        if (p.kind === 'syntax' || p.kind === 'empty') ctx.report({ range, severity: 'error', message: `${v.keyword}: ${p.message}; HAProxy will not start ("unable to set SSL cipher list")`, fixes: fix });
        else ctx.report({ range, severity: 'info', message: `${v.keyword}: ${p.message}` });
      }
      if (!result.valid) continue;
      for (const cls of judgeSuites(suitesOfCipherString(v.word.value).suites, profile)) {
        ctx.report({
          range: v.word.range,
          severity: cls.severity,
          message: `${v.keyword} enables suites with ${cls.label}: ${examples(cls.suites)}; the ${profile.name} profile ${replacement ? `allows ${profile.ciphers.openssl.length} suites` : 'allows TLS 1.3 only'}`,
          fixes: fix,
        });
      }
    }
    if (replacement) judgeDefaults(ctx, model, replacement);
  },
};

/** TLS bind lines with no cipher string get OpenSSL's DEFAULT list: one note per line, with one shared fix (ssl-default-bind-ciphers). */
function judgeDefaults(ctx: RuleContext, model: HaproxyModel, replacement: string): void {
  const weak = judgeSuites(suitesOfCipherString(OPENSSL_DEFAULT_CIPHER_LIST).suites, ctx.policy.profile).flatMap((c) => c.suites);
  if (weak.length === 0) return;
  const global = model.config.sections.find((s) => s.kind === 'global');
  for (const proxy of model.effective.frontends) {
    if (proxy.conditional) continue;
    for (const b of proxy.binds) {
      if (!b.tls || b.quic || b.ciphers) continue;
      const lastGlobal = global ? (global.lines[global.lines.length - 1] ?? global.header) : undefined;
      const edit = global && lastGlobal ? insertLineAfter(lastGlobal, `ssl-default-bind-ciphers ${replacement}`, ctx.doc.text, ctx.doc.lines, global.lines[0]) : appendToLine(b.line, ['ciphers', replacement]);
      ctx.report({
        range: b.get('ssl')?.key.range ?? b.line.words[0]!.range,
        severity: 'info',
        message: `no ciphers on this bind and no ssl-default-bind-ciphers: OpenSSL's DEFAULT list enables ${weak.length} suites without forward secrecy or AEAD, e.g. ${examples(weak)}`,
        fixes: [{ title: global ? `Set ssl-default-bind-ciphers to the ${ctx.policy.profile.name} profile's` : `Set the ${ctx.policy.profile.name} profile's ciphers`, edits: [edit], preferred: true }],
        assumptions: ["HAProxy built with OpenSSL 3.0, whose DEFAULT list TLS Lens expands (another OpenSSL's differs a little)"],
      });
    }
  }
}
