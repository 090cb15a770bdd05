import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfinedHost, TextDoc, hoverAt, lintDocument, resolvePolicy } from '../../server/src/core';
import { parseNginxCached } from '../../server/src/core/formats/nginx/parseCache';
import type { Host } from '../../server/src/core/host';
import { endpointsInDocument } from '../../server/src/core/probe/targets';

/**
 * Quadratic work found by counting, not timing: how often the elements of one big list are read
 * (an index, `for … of`, `includes`, `filter` all count) while linting, hovering or asking for
 * lenses, for configurations of N and 4N servers.
 */
function counted<T>(list: T[]): { list: T[]; reads: () => number } {
  let n = 0;
  const proxy = new Proxy(list, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) n++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { list: proxy, reads: () => n };
}

/**
 * Every kind of server the nginx rules look at twice: weak protocols, no certificate, TLS to an
 * upstream with verification switched off in http (a value inherited from the big block), stapling
 * without a resolver, a short HSTS without `always`, a plain-HTTP server with a redirect.
 */
function config(servers: number): string {
  const out = ['http {', '    proxy_ssl_verify off;', '    ssl_session_tickets on;'];
  for (let i = 0; i < servers; i++) {
    out.push(
      '    server {',
      `        listen 443 ssl;`,
      `        server_name s${i}.example.test;`,
      '        ssl_protocols TLSv1 TLSv1.2;',
      '        ssl_stapling on;',
      '        add_header Strict-Transport-Security "max-age=60";',
      `        location / { proxy_pass https://u${i}; }`,
      '    }',
      `    server { listen 80; server_name s${i}.example.test; return 301 https://$host$request_uri; }`,
    );
  }
  out.push('}', '');
  return out.join('\n');
}

let run = 0;

/** A configuration of `servers` servers whose http block's list counts its reads (the parse the engine and hover take from the cache). */
function prepared(servers: number): { doc: TextDoc; reads: () => number } {
  const file = `/scaling/${run++}/nginx.conf`;
  const text = config(servers);
  const http = parseNginxCached(text, file).config.directives[0]!;
  const c = counted(http.block!.directives);
  http.block!.directives = c.list;
  return { doc: new TextDoc(file, text, 'nginx'), reads: c.reads };
}

const policy = resolvePolicy();
const now = new Date('2026-06-01T00:00:00Z');

describe('nginx work grows with the configuration, not with its square', () => {
  test('a lint reads the http block of N servers a bounded number of times per server', () => {
    const reads = [100, 400].map((n) => {
      const { doc, reads } = prepared(n);
      const findings = lintDocument(doc, { policy, now });
      assert.ok(findings.length >= 4 * n, `${findings.length} findings for ${n} servers`);
      return reads() / n;
    });
    // Linear work reads each server's place a fixed number of times; a search of the http block
    // for every server (serverChain, holderOf, more_set_headers …) makes this grow with N.
    assert.ok(reads[1]! < reads[0]! * 1.5, `reads per server: ${reads.map((r) => r.toFixed(1)).join(' → ')}`);
  });

  test('a hover after the lint reads a few of the http block’s entries, not all of them', () => {
    const reads = [500, 2000].map((n) => {
      const { doc, reads } = prepared(n);
      lintDocument(doc, { policy, now });
      const line = 3 + 9 * Math.floor(n / 2);
      // The first hover after a change may build what later hovers look up.
      assert.ok(hoverAt(doc, { line, character: 5 }, now, policy), 'a hover on a server');
      const before = reads();
      const hover = hoverAt(doc, { line, character: 5 }, now, policy);
      assert.match(hover?.markdown ?? '', /Effective TLS settings in this server/);
      return reads() - before;
    });
    assert.ok(reads[1]! <= reads[0]! + 8, `entries read by one hover: ${reads.join(' → ')}`);
  });

  test('code lenses after the lint read nothing of the http block again', () => {
    for (const n of [200, 800]) {
      const { doc, reads } = prepared(n);
      lintDocument(doc, { policy, now });
      assert.equal(endpointsInDocument(doc).length, n);
      const before = reads();
      assert.equal(endpointsInDocument(doc).length, n);
      assert.equal(reads() - before, 0, `${n} servers`);
    }
  });

  test('a confined host with many roots does not compare every root on every read', async () => {
    const roots = Array.from({ length: 2000 }, (_, i) => `/work/named/${i}/nginx.conf`);
    const c = counted(roots);
    const inner: Host = {
      readFile: () => Promise.resolve(new Uint8Array()),
      stat: () => Promise.resolve({ isFile: true, isDirectory: false, size: 0 }),
      readDirectory: () => Promise.resolve([]),
      now: () => now,
      env: () => undefined,
    };
    const host = new ConfinedHost(inner, () => c.list);
    for (let i = 0; i < 2000; i++) {
      assert.equal(host.outside(`/work/named/${i}/nginx.conf`), false);
      assert.equal(host.outside(`/work/named/${i}/other.conf`), true);
    }
    assert.ok(c.reads() <= 2 * roots.length, `${c.reads()} reads of ${roots.length} roots for 4000 lookups`);
  });
});
