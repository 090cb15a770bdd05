import type { NginxArg, NginxDirective } from '../../formats/nginx/ast';
import { findHeader, walkLocations } from '../../formats/nginx/effective';
import { insertAtBlockStart, insertInServer } from '../../formats/nginx/edits';
import { kindsSet, serverChain } from '../../formats/nginx/unknowns';
import type { TextEdit } from '../../findings';
import type { Rule, RuleContext } from '../rule';

/** The max-age ngx_security_headers sends with `security_headers on` (fixed in its source: 1 year). */
const SECURITY_HEADERS_MAX_AGE = 31536000;
const HEADER_NAMES = ['add_header', 'more_set_headers', 'security_headers'];

/**
 * A TLS server without Strict-Transport-Security (RFC 6797), or with a max-age below the
 * policy's minimum, or without `always` (nginx then adds it only to 200, 201, 204, 206,
 * 301, 302, 303, 304, 307 and 308 responses: ngx_http_headers_module docs).
 * A server with `ssl_reject_handshake on` serves nothing and needs no HSTS. headers-more's
 * `more_set_headers "Strict-Transport-Security: …"` is judged like `add_header` (it applies
 * to every status); ngx_security_headers' `security_headers on` sends max-age=31536000.
 */
export const missingHsts: Rule = {
  id: 'nginx/missing-hsts',
  title: 'A TLS server sends no (or a weak) Strict-Transport-Security header',
  defaultSeverity: 'warning',
  formats: ['nginx'],
  check(ctx) {
    const min = ctx.policy.thresholds.hstsMinAgeSeconds;
    const header = `add_header Strict-Transport-Security "max-age=${min}" always;`;
    const cfg = ctx.nginxEffective();
    const unknowns = ctx.nginxUnknowns();
    const http = cfg.blocks.find((b) => b.module === 'http');
    // A header set once in http applies to every server: judge it once.
    const judged = new Set<unknown>();
    for (const server of cfg.servers) {
      if (server.module !== 'http' || !server.tls) continue;
      if (server.settings.flag('ssl_reject_handshake') === true) continue;
      const chain = serverChain(cfg, server);
      const sts = findHeader(server.headers, 'strict-transport-security');
      const more = chain.flatMap((b) => moreSetSts(b, b === server.directive));
      const security = server.settings.get('security_headers');
      const securityOn = security?.args[0]?.toLowerCase() === 'on';
      for (const m of more) judgeMoreSet(ctx, m, min, judged);
      if (securityOn && security) judgeSecurityHeaders(ctx, security.directives[0]!, min, judged);
      if (sts.length === 0 && more.length === 0 && !securityOn) {
        // A server that only rejects or redirects ("return 444"), or HSTS set where the site is served (location /), is fine.
        const own = server.directive.block?.directives ?? [];
        if (own.some((d) => d.name === 'return')) continue;
        let inLocation = false;
        walkLocations(server, (loc) => {
          if (inLocation) return;
          if (findHeader(loc.headers, 'strict-transport-security').length || moreSetSts(loc.directive, false).length || loc.settings.flag('security_headers') === true) inLocation = true;
          // An unread include in a location that likely adds headers may add it there.
          const inc = unknowns.in(loc.directive).find((i) => kindsSet(i.kinds, 'add_header'));
          if (!inLocation && inc) {
            unknowns.hide(inc, 'Strict-Transport-Security', server.directive.nameRange);
            inLocation = true;
          }
        });
        if (inLocation) continue;
        const assumptions = unknowns.judge(chain, HEADER_NAMES, 'http', 'Strict-Transport-Security', server.directive.nameRange);
        if (!assumptions) continue;
        // Adding a header to a server that inherits others from http would drop those
        // (nginx does not merge add_header levels): then the header goes to http.
        const inheritsOthers = server.headers.own.length === 0 && server.headers.entries.length > 0 && http !== undefined && http.directive.file === undefined && !http.directive.virtualBase;
        const lastListen = [...server.listens].reverse().find((l) => !l.implicit)?.directive;
        const edit = inheritsOthers ? insertAtBlockStart(http.directive, [header], ctx.doc.lines) : insertInServer(server.directive, lastListen, [header], ctx.doc.lines);
        ctx.report({
          range: server.directive.nameRange,
          message: `this TLS server sends no Strict-Transport-Security header, so browsers may still try plain HTTP (RFC 6797); the ${ctx.policy.profile.name} profile asks for max-age ≥ ${min}`,
          fixes: [{ title: 'Add the Strict-Transport-Security header', edits: [edit], preferred: true }],
          assumptions,
        });
        continue;
      }
      for (const h of sts) {
        // A header from the including configuration is judged in its own file.
        if (judged.has(h.directive) || h.directive.file !== undefined) continue;
        judged.add(h.directive);
        const valueArg = h.directive.args[1];
        // A value from a variable (a map) cannot be judged here.
        if (!valueArg || valueArg.value.includes('$')) continue;
        judgeValue(ctx, valueArg, h.value, min, (value) => ({ range: valueArg.range, newText: `"${value}"` }));
        if (!h.always) {
          const last = h.directive.args[h.directive.args.length - 1]!;
          ctx.report({
            range: h.directive.nameRange,
            severity: 'info',
            message: 'without "always", nginx sends Strict-Transport-Security only with 2xx and 3xx responses',
            fixes: [{ title: 'Add "always"', edits: [{ range: { start: last.range.end, end: last.range.end }, newText: ' always' }], preferred: true }],
          });
        }
      }
    }
  },
};

/** A max-age missing or below the minimum. */
function judgeValue(ctx: RuleContext, arg: NginxArg, value: string, min: number, rewrite: (value: string) => TextEdit): void {
  const m = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?/i.exec(value);
  const age = m ? Number(m[1]) : undefined;
  if (age === undefined) {
    ctx.report({ range: arg.range, message: 'Strict-Transport-Security has no max-age, so browsers ignore it (RFC 6797 §6.1.1)', fixes: [{ title: `Set max-age=${min}`, edits: [rewrite(`max-age=${min}`)], preferred: true }] });
  } else if (age < min) {
    const rest = value.replace(/(?:^|;)\s*max-age\s*=\s*"?\d+"?\s*;?/i, '').trim();
    ctx.report({
      range: arg.range,
      message: `Strict-Transport-Security max-age=${age} is below the policy's minimum of ${min} seconds`,
      fixes: [{ title: `Raise max-age to ${min}`, edits: [rewrite(`max-age=${min}${rest ? '; ' + rest : ''}`)], preferred: true }],
    });
  }
}

interface MoreSet {
  directive: NginxDirective;
  arg: NginxArg;
  value: string;
}

/**
 * What `moreSetSts` found in a block, while its list is the same: the http block's list is read
 * once for all its servers, and an unchanged server is not walked again after an edit.
 */
const moreMemo = [new WeakMap<NginxDirective, { list: readonly NginxDirective[]; out: MoreSet[] }>(), new WeakMap<NginxDirective, { list: readonly NginxDirective[]; out: MoreSet[] }>()] as const;

/** `more_set_headers "Strict-Transport-Security: …"` directly in a block (or anywhere inside it, with `deep`). */
function moreSetSts(block: NginxDirective, deep: boolean): MoreSet[] {
  const memo = moreMemo[deep ? 1 : 0];
  const known = memo.get(block);
  if (known && known.list === block.block?.directives) return known.out;
  const out = walkMoreSetSts(block, deep);
  if (block.block) memo.set(block, { list: block.block.directives, out });
  return out;
}

function walkMoreSetSts(block: NginxDirective, deep: boolean): MoreSet[] {
  const out: MoreSet[] = [];
  const stack = [block];
  while (stack.length) {
    const b = stack.pop()!;
    for (const d of b.block?.directives ?? []) {
      if (d.block) {
        if (deep) stack.push(d);
        continue;
      }
      if (d.name !== 'more_set_headers') continue;
      for (const a of d.args) {
        const m = /^\s*strict-transport-security\s*:\s*(.*)$/is.exec(a.value);
        if (m) out.push({ directive: d, arg: a, value: m[1]!.trim() });
      }
    }
  }
  return out;
}

function judgeMoreSet(ctx: RuleContext, m: MoreSet, min: number, judged: Set<unknown>): void {
  if (judged.has(m.arg) || m.directive.file !== undefined || m.value.includes('$')) return;
  judged.add(m.arg);
  judgeValue(ctx, m.arg, m.value, min, (value) => ({ range: m.arg.range, newText: `"Strict-Transport-Security: ${value}"` }));
}

function judgeSecurityHeaders(ctx: RuleContext, d: NginxDirective, min: number, judged: Set<unknown>): void {
  if (judged.has(d) || d.file !== undefined || SECURITY_HEADERS_MAX_AGE >= min) return;
  judged.add(d);
  ctx.report({
    range: d.range,
    severity: 'info',
    message: `security_headers on sends Strict-Transport-Security max-age=${SECURITY_HEADERS_MAX_AGE} (fixed by ngx_security_headers), below the policy's minimum of ${min} seconds; send the header with add_header to choose max-age, or lower thresholds.hstsMinAgeSeconds`,
  });
}
