import type { Fix } from '../../findings';
import { haproxyFormat } from '../../formats/haproxy';
import { appendToLine } from '../../formats/haproxy/edits';
import { atLeast } from '../../formats/haproxy/keywords';
import type { HaproxyLine } from '../../formats/haproxy/parser';
import type { Rule } from '../rule';

/** The system CA store as HAProxy names it (2.6+), else Debian's bundle path. */
function systemCa(version: string | undefined): string {
  return atLeast(version, '2.6') ? '@system-ca' : '/etc/ssl/certs/ca-certificates.crt';
}

/**
 * TLS to a server whose certificate HAProxy does not verify: `verify none` on the server or
 * a default-server line, or `ssl-server-verify none` in `global` (configuration.txt, server
 * `verify`: "It is critically important to verify server certificates … otherwise the
 * communication is prone to trivial man-in-the-middle attacks"). A server that verifies
 * (the default) without a `ca-file` is an error: HAProxy refuses to start ("verify is
 * enabled by default but no CA file specified").
 */
export const haproxyServerUnverified: Rule = {
  id: 'haproxy/server-unverified',
  title: "TLS to a server without verifying its certificate",
  defaultSeverity: 'warning',
  formats: ['haproxy'],
  check(ctx) {
    const model = ctx.model(haproxyFormat);
    const ca = systemCa(model.version);
    const reported = new Set<HaproxyLine>();
    const globalUsers: string[] = [];
    for (const proxy of model.effective.backends) {
      for (const s of proxy.servers) {
        if (!s.tls) continue;
        const name = `server ${s.name?.value ?? ''} in ${proxy.kind} ${proxy.name}`;
        if (s.verify.value === 'none') {
          if (s.verify.global) {
            globalUsers.push(name);
            continue;
          }
          const by = s.verify.by!;
          if (reported.has(by.line)) continue;
          reported.add(by.line);
          const fix: Fix[] = by.value ? [{ title: `Verify with ${ca}`, edits: [{ range: { start: by.key.range.start, end: by.value.range.end }, newText: s.get('ca-file') ? 'verify required' : `verify required ca-file ${ca}` }], preferred: true }] : [];
          ctx.report({
            range: by.value?.range ?? by.key.range,
            message: `verify none: ${by.origin === 'default-server' ? `every server after this default-server (here ${name})` : name} is reached over TLS without checking its certificate, so anyone on the path can impersonate it`,
            fixes: fix,
          });
          continue;
        }
        if (s.verify.value === 'required' && !s.get('ca-file')) {
          if (reported.has(s.line)) continue;
          reported.add(s.line);
          ctx.report({
            range: s.line.words[0]!.range,
            severity: 'error',
            message: `${name} verifies the server's certificate${s.verify.by ? '' : ' (the default)'} but names no ca-file: HAProxy refuses to start ("verify is enabled by default but no CA file specified")`,
            fixes: [{ title: `Verify with ${ca}`, edits: [appendToLine(s.line, ['ca-file', ca])], preferred: true }],
          });
        }
      }
    }
    const g = model.effective.global.serverVerify;
    if (g?.value === 'none') {
      ctx.report({
        range: g.word.range,
        message: `ssl-server-verify none: servers reached over TLS without their own "verify required" are not verified${globalUsers.length ? ` (${globalUsers.slice(0, 3).join(', ')}${globalUsers.length > 3 ? `, … ${globalUsers.length} in all` : ''})` : ''}; anyone on the path can impersonate them`,
      });
    }
  },
};
