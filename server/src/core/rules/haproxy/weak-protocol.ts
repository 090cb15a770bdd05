import type { Fix, TextEdit } from '../../findings';
import { haproxyFormat } from '../../formats/haproxy';
import { replaceWord } from '../../formats/haproxy/edits';
import { haproxyVersionName, versionSites, type HaproxyOption, type VersionSite } from '../../formats/haproxy/model';
import type { TlsProtocol } from '../../policy/profiles';
import { olderThan, profileMin, WEAK_PROTOCOLS } from '../../policy/tls';
import type { Rule } from '../rule';

/**
 * An ssl-min-ver, ssl-max-ver or force-… option (on a bind or server line, a default-server
 * line, or in ssl-default-bind-options / ssl-default-server-options) that enables SSLv3,
 * TLSv1.0 or TLSv1.1 beyond the profile. Judged on the range HAProxy computes
 * (ssl_sock_prepare_ctx): `no-tlsv1x` options are ignored once ssl-min-ver or ssl-max-ver
 * is set, so they do not rescue a low minimum (mozilla/ssl-config-generator#152).
 */
export const haproxyWeakProtocol: Rule = {
  id: 'haproxy/weak-protocol',
  title: 'ssl-min-ver, ssl-max-ver or force-… enables SSLv3, TLSv1.0 or TLSv1.1',
  defaultSeverity: 'warning',
  formats: ['haproxy'],
  check(ctx) {
    const model = ctx.model(haproxyFormat);
    const profile = ctx.policy.profile;
    const floor = profileMin(profile);
    // One finding per option that sets a weak range, naming the lines it applies to.
    const byCulprit = new Map<HaproxyOption, { weak: TlsProtocol[]; sites: VersionSite[] }>();
    for (const site of versionSites(model.effective)) {
      const v = site.versions;
      const weak = v.enabled.filter((p) => WEAK_PROTOCOLS[p] && !profile.protocols.includes(p));
      if (weak.length === 0) continue;
      // A minimum left to HAProxy's default is haproxy/default-protocols' finding.
      const culprit = v.minBy ?? (v.maxBy && olderThan(v.max, floor) ? v.maxBy : undefined);
      if (!culprit) continue;
      const entry = byCulprit.get(culprit);
      if (entry) entry.sites.push(site);
      else byCulprit.set(culprit, { weak, sites: [site] });
    }
    for (const [culprit, { weak, sites }] of byCulprit) {
      const v = sites[0]!.versions;
      const lowMax = v.maxBy && olderThan(v.max, floor) ? v.maxBy : undefined;
      const edits: TextEdit[] = [];
      const key = culprit.key.value;
      if (culprit === v.minBy && key === 'ssl-min-ver' && culprit.value) edits.push(replaceWord(culprit.value, haproxyVersionName(floor)));
      else if (culprit === v.minBy && key.startsWith('force-')) edits.push({ range: culprit.key.range, newText: `ssl-min-ver ${haproxyVersionName(floor)}` });
      if (lowMax?.value && lowMax !== v.minBy) edits.push(replaceWord(lowMax.value, 'TLSv1.3'));
      const fix: Fix[] = edits.length ? [{ title: `Accept ${haproxyVersionName(floor)} and newer only`, edits, preferred: true }] : [];
      const worst = weak.some((p) => WEAK_PROTOCOLS[p]!.severity === 'error') ? 'error' : 'warning';
      const written = culprit.value ? `${key} ${culprit.value.value}` : key;
      const where = culprit.origin === 'global' ? `${written} in ${culprit.line.keyword}` : culprit.origin === 'default-server' ? `${written} on default-server` : written;
      const lines = sites.filter((x) => !x.label.startsWith('ssl-default-')).map((x) => x.label);
      const scope = culprit.origin === 'global' ? (lines.length ? ` for ${lines.slice(0, 2).join(', ')}${lines.length > 2 ? ` and ${lines.length - 2} more` : ''}` : ` for every ${sites[0]!.side} line with ssl that sets none`) : '';
      const ignored = v.ignored.length ? `; ${v.ignored.map((o) => o.key.value).join(' ')} ${v.ignored.length === 1 ? 'is' : 'are'} ignored because ssl-min-ver or ssl-max-ver is set` : '';
      ctx.report({
        range: culprit.value?.range ?? culprit.key.range,
        severity: worst,
        message: `${where} enables ${weak.map((p) => `${haproxyVersionName(p)} (${WEAK_PROTOCOLS[p]!.why})`).join(', ')}${scope}${ignored}; the ${profile.name} profile allows ${profile.protocols.map(haproxyVersionName).join(', ')}`,
        fixes: fix,
      });
    }
  },
};
