import { forEachNamed, indexedNames } from '../../formats/nginx/ast';
import { settingsOfBlock } from '../../formats/nginx/effective';
import { evaluateCipherString } from '../../policy/ciphers/evaluate';
import type { Rule } from '../rule';
import { WEAK_SUITE_CLASSES, weakClassCounts } from './weak-ciphers';

/** The directives this rule looks up (declared to the shared index when the rule loads). */
const NAMES = indexedNames(['ssl_prefer_server_ciphers']);

/**
 * `ssl_prefer_server_ciphers` against the profile's `server_preferred_order` (Mozilla
 * Server Side TLS): the modern and intermediate profiles list only strong suites and let
 * clients pick (a phone without AES hardware prefers ChaCha20); "old" prefers the server's
 * order so weak suites it must still offer are chosen last. Where the server's own cipher
 * list enables weak suites, its order is what keeps them last: then "off" is not advised
 * (nginx/weak-ciphers reports the list).
 */
export const preferServerCiphers: Rule = {
  id: 'nginx/prefer-server-ciphers',
  title: 'ssl_prefer_server_ciphers differs from the profile',
  defaultSeverity: 'info',
  formats: ['nginx'],
  check(ctx) {
    const profile = ctx.policy.profile;
    const want = profile.serverPreferredOrder ? 'on' : 'off';
    const allowed = new Set(profile.ciphers.openssl);
    forEachNamed(ctx.nginx().directives, NAMES, (d, parent) => {
      if (d.name !== 'ssl_prefer_server_ciphers') return;
      const arg = d.args[0];
      if (!arg || d.args.length !== 1 || arg.value.toLowerCase() === want) return;
      if (!profile.serverPreferredOrder) {
        const ciphers = parent ? settingsOfBlock(ctx.nginxEffective(), parent)?.get('ssl_ciphers')?.args.join(' ') : undefined;
        const suites = ciphers === undefined || ciphers.includes('$') ? [] : evaluateCipherString(ciphers).suites;
        if (suites.some((s) => WEAK_SUITE_CLASSES.some((c) => weakClassCounts(c, s, allowed)))) return;
      }
      const why = profile.serverPreferredOrder
        ? 'it offers weak suites for old clients, so the server\'s order must pick the strong ones first'
        : 'with only strong suites enabled, clients may pick the one that is fastest for them';
      ctx.report({
        range: arg.range,
        message: `the ${profile.name} profile sets ssl_prefer_server_ciphers ${want}: ${why}`,
        fixes: [{ title: `Set ssl_prefer_server_ciphers ${want}`, edits: [{ range: arg.range, newText: want }], preferred: true }],
      });
    });
  },
};
