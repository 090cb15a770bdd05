import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { clearParseCache, parseNginxCached, reparseEdit } from '../../server/src/core/formats/nginx/parseCache';
import { parseNginx } from '../../server/src/core/formats/nginx/parser';
import { TextDoc, lintDocument, resolvePolicy } from '../../server/src/core';
import { LineIndex } from '../../server/src/core/text';
import { repoPath } from '../support/tools';

function nginxFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...nginxFiles(p));
    else if (!p.endsWith('.types')) out.push(p);
  }
  return out;
}

const SAMPLES: string[] = [
  ...nginxFiles(repoPath('examples', 'nginx')).map((f) => readFileSync(f, 'utf8')),
  'http {\n  server {\n    listen 443 ssl; # tls\n    location / { return 200 "a}b"; }\n    location ~ ^/x(\\d+)$ { set $v ${arg_a}; }\n  }\n  server { listen 80; }\n}\n',
  'events {}\r\nhttp {\r\n\tserver {\r\n\t\tlisten 8443 ssl;\r\n\t\tcontent_by_lua_block { ngx.say("}") }\r\n\t}\r\n}\r\n',
  'stream { server { listen 1; proxy_pass a; } upstream a { server 127.0.0.1:1; } }',
];

/** A deterministic pseudo-random sequence (no flaky failures). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const CHARS = ['a', ' ', ';', '{', '}', '"', "'", '#', '\\', '$', '\t', 'x'];

describe('incremental re-parse of an edited document', () => {
  test('every one-character edit gives exactly the full parse (random edits over varied configurations)', () => {
    const rand = rng(20261201);
    let incremental = 0;
    let total = 0;
    for (const base of SAMPLES) {
      const baseLines = new LineIndex(base);
      const prev = { text: base, lines: baseLines, config: parseNginx(base, baseLines) };
      for (let k = 0; k < 400; k++) {
        const at = Math.floor(rand() * base.length);
        const c = CHARS[Math.floor(rand() * CHARS.length)]!;
        const kind = rand();
        const text = kind < 0.4 ? base.slice(0, at) + c + base.slice(at) : kind < 0.7 ? base.slice(0, at) + base.slice(at + 1) : base.slice(0, at) + c + base.slice(at + 1);
        const full = parseNginx(text, new LineIndex(text));
        const inc = reparseEdit(prev, text);
        total++;
        if (!inc) continue;
        incremental++;
        assert.deepEqual(inc.config, full, `edit at ${at} (${JSON.stringify(text.slice(Math.max(0, at - 10), at + 10))})`);
        for (let o = 0; o <= text.length; o += 7) assert.deepEqual(inc.lines.positionAt(o), new LineIndex(text).positionAt(o));
      }
    }
    // Most edits are inside some block: the incremental path must really be taken.
    assert.ok(incremental > total / 3, `${incremental} of ${total} edits re-parsed incrementally`);
  });

  test('the cache answers a repeated text of a name with the same parse, and a named document through its previous version', () => {
    clearParseCache();
    const a = 'http {\n  server { listen 80; }\n}\n';
    const first = parseNginxCached(a, '/x/nginx.conf');
    assert.equal(parseNginxCached(a, '/x/nginx.conf'), first, 'same text, same parse');
    assert.notEqual(parseNginxCached(a), first, 'no name: parsed afresh');
    const b = a.replace('80', '8080');
    const second = parseNginxCached(b, '/x/nginx.conf');
    assert.deepEqual(second.config, parseNginx(b, new LineIndex(b)));
    // The http directive was rebuilt, nothing before it was re-parsed.
    assert.notEqual(second.config.directives[0], first.config.directives[0]);
  });
});

describe('re-lint after edits', () => {
  test('findings after a series of edits of one document equal those of a first lint of the same text', () => {
    const policy = resolvePolicy();
    const now = new Date('2026-06-01T00:00:00Z');
    let text =
      'http {\n  add_header Strict-Transport-Security "max-age=63072000" always;\n  ssl_protocols TLSv1.2 TLSv1.3;\n' +
      '  server {\n    listen 443 ssl;\n    ssl_certificate a.crt;\n    ssl_certificate_key a.key;\n    location / { proxy_pass https://up; }\n  }\n' +
      '  server {\n    listen 8443 ssl;\n    ssl_certificate b.crt;\n    ssl_certificate_key b.key;\n  }\n}\n';
    // Each edit stays on one line, so the incremental path is taken; some change inherited values.
    const edits: Array<[string, string]> = [
      ['TLSv1.2 TLSv1.3', 'TLSv1.1 TLSv1.2'], // http level: every server inherits it
      ['listen 8443 ssl;', 'listen 8443;'],
      ['proxy_pass https://up;', 'proxy_pass https://up; proxy_ssl_verify on;'],
      ['"max-age=63072000" always', '"max-age=600" always'],
      ['b.key;', 'b.key; ssl_ciphers ALL;'],
      ['TLSv1.1 TLSv1.2', 'TLSv1.2 TLSv1.3'],
    ];
    const name = '/edits/nginx.conf';
    lintDocument(new TextDoc(name, text), { policy, now });
    for (const [from, to] of edits) {
      text = text.replace(from, to);
      const incremental = lintDocument(new TextDoc(name, text), { policy, now });
      const fresh = lintDocument(new TextDoc(`/fresh/${Math.random()}/nginx.conf`, text), { policy, now }).map((f) => ({ ...f, file: name }));
      assert.deepEqual(incremental, fresh, `after "${to}"`);
    }
  });
});
