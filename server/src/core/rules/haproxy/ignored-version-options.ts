import { haproxyFormat } from '../../formats/haproxy';
import { removeWords } from '../../formats/haproxy/edits';
import { versionSites, type HaproxyOption } from '../../formats/haproxy/model';
import type { Rule } from '../rule';

/**
 * `no-sslv3` / `no-tlsv1x` options HAProxy ignores because ssl-min-ver or ssl-max-ver is set
 * for the same line (here or through ssl-default-*-options): since HAProxy 1.8 it then uses
 * only the minimum and maximum, and says so in a startup warning ("no-sslv3/no-tlsv1x are
 * ignored … Use only 'ssl-min-ver' and 'ssl-max-ver' to fix"; ssl_sock_prepare_ctx).
 * Configurations written for older HAProxy, or copied from generators that mixed both
 * (mozilla/ssl-config-generator#152), keep versions enabled their authors meant to disable.
 */
export const haproxyIgnoredVersionOptions: Rule = {
  id: 'haproxy/ignored-version-options',
  title: 'no-tlsv1x options ignored because ssl-min-ver or ssl-max-ver is set',
  defaultSeverity: 'warning',
  formats: ['haproxy'],
  check(ctx) {
    const model = ctx.model(haproxyFormat);
    const reported = new Set<HaproxyOption>();
    const sites = versionSites(model.effective);
    // An option ignored for one line may work for another (a global one): it is removed only when it works nowhere.
    const effective = new Set(sites.flatMap((s) => s.versions.disabledBy));
    for (const site of sites) {
      const v = site.versions;
      const fresh = v.ignored.filter((o) => !reported.has(o));
      if (fresh.length === 0) continue;
      for (const o of fresh) reported.add(o);
      // One finding per line that holds ignored options.
      const byLine = new Map<number, HaproxyOption[]>();
      for (const o of fresh) byLine.set(o.line.line, [...(byLine.get(o.line.line) ?? []), o]);
      const set = v.minBy ?? v.maxBy;
      const because = set ? `${set.key.value}${set.value ? ` ${set.value.value}` : ''}${set.origin === 'global' && set.line !== fresh[0]!.line ? ` (${set.line.keyword})` : ''}` : 'ssl-min-ver';
      for (const options of byLine.values()) {
        const names = options.map((o) => o.key.value).join(' ');
        ctx.report({
          range: { start: options[0]!.key.range.start, end: options[options.length - 1]!.key.range.end.line === options[0]!.key.range.start.line ? options[options.length - 1]!.key.range.end : options[0]!.key.range.end },
          message: `${names} ${options.length === 1 ? 'is' : 'are'} ignored for ${site.label}: HAProxy uses only ssl-min-ver and ssl-max-ver once either is set (here ${because}), and warns at startup`,
          fixes: options.some((o) => effective.has(o)) ? [] : [{ title: `Remove ${names}`, edits: removeWords(options.map((o) => o.key), ctx.doc.text, ctx.doc.lines), preferred: true }],
        });
      }
    }
  },
};
