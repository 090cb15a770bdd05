import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { walkDirectives, type NginxConfig } from '../../server/src/core/formats/nginx/ast';
import { parseNginx } from '../../server/src/core/formats/nginx/parser';
import { LineIndex } from '../../server/src/core/text';
import { expectAnnotated } from '../support/lint';

function parse(text: string): NginxConfig {
  return parseNginx(text, new LineIndex(text));
}

function names(cfg: NginxConfig): string[] {
  const out: string[] = [];
  walkDirectives(cfg.directives, (d, anc) => out.push([...anc.map((a) => a.name), d.name].join('>')));
  return out;
}

describe('nginx parser', () => {
  test('directives, arguments and blocks carry exact ranges', () => {
    const text = 'http {\n  server {\n    listen 443 ssl;\n  }\n}\n';
    const cfg = parse(text);
    assert.deepEqual(cfg.problems, []);
    assert.deepEqual(names(cfg), ['http', 'http>server', 'http>server>listen']);
    const http = cfg.directives[0]!;
    assert.deepEqual(http.range, { start: { line: 0, character: 0 }, end: { line: 4, character: 1 } });
    const listen = http.block!.directives[0]!.block!.directives[0]!;
    assert.deepEqual(listen.nameRange, { start: { line: 2, character: 4 }, end: { line: 2, character: 10 } });
    assert.deepEqual(listen.args.map((a) => a.value), ['443', 'ssl']);
    assert.deepEqual(listen.args[1]!.range, { start: { line: 2, character: 15 }, end: { line: 2, character: 18 } });
    assert.deepEqual(listen.range.end, { line: 2, character: 19 });
  });

  test('quotes, escapes, variables and comments', () => {
    const cfg = parse(
      `add_header X-A "a \\"quoted\\" ; {value}" always; # trailing comment ;\n` +
        `return 200 'single # not a comment';\n` +
        `set $x \${host}suffix;\n` +
        `rewrite ^/(.*)\\;$ /$1 last;\n`,
    );
    assert.deepEqual(cfg.problems, []);
    const [addHeader, ret, set, rewrite] = cfg.directives;
    assert.deepEqual(addHeader!.args.map((a) => a.value), ['X-A', 'a "quoted" ; {value}', 'always']);
    assert.equal(addHeader!.args[1]!.quoted, true);
    assert.deepEqual(addHeader!.args[1]!.range, { start: { line: 0, character: 15 }, end: { line: 0, character: 39 } });
    assert.deepEqual(ret!.args.map((a) => a.value), ['200', 'single # not a comment']);
    assert.deepEqual(set!.args.map((a) => a.value), ['$x', '${host}suffix']);
    assert.deepEqual(rewrite!.args.map((a) => a.value), ['^/(.*)\\;$', '/$1', 'last']);
  });

  test('lua block bodies are skipped as raw text', () => {
    const cfg = parse('location / {\n  content_by_lua_block {\n    local t = { a = "}" } -- }\n    ngx.say(t.a)\n  }\n  ssl_protocols TLSv1.2;\n}\n');
    assert.deepEqual(cfg.problems, []);
    assert.deepEqual(names(cfg), ['location', 'location>content_by_lua_block', 'location>ssl_protocols']);
  });

  test('a missing semicolon, a stray brace or semicolon and an open string are located problems', () => {
    expectAnnotated(`
http {
    server {
        listen 443 ssl
#       ^^^^^^^^^^^^^^ error nginx/syntax: directive "listen" is not terminated by ";"
    }
}
}
^ error nginx/syntax: unexpected "}"
    ;
#   ^ error nginx/syntax: unexpected ";"
    return 200 "open
#              ^^^^^ error nginx/syntax: unterminated double-quoted string
`, 'nginx.conf', undefined, ['nginx/syntax']);
  });

  test('a closing quote must be followed by a separator, as nginx requires', () => {
    expectAnnotated(`
add_header X-A "a"b;
#                 ^ error nginx/syntax: unexpected "b" after a quoted string
add_header X-B "a";
location ~ "^/x"{ }
if ($http_x = "y") { return 403; }
`, 'nginx.conf', undefined, ['nginx/syntax']);
  });

  test('unclosed blocks are reported at their opening brace', () => {
    expectAnnotated(`
http {
#    ^ error nginx/syntax: "http" block is not closed with "}"
    server {
#          ^ error nginx/syntax: "server" block is not closed with "}"
        ssl_protocols TLSv1.2
#       ^^^^^^^^^^^^^^^^^^^^^ error nginx/syntax: unexpected end of file: directive "ssl_protocols" is not terminated by ";"
`, 'nginx.conf', undefined, ['nginx/syntax']);
  });

  test('never throws, whatever the input', () => {
    let seed = 42;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = ['{', '}', ';', '"', "'", '\\', '#', '$', ' ', '\n', '\r', 'ssl_protocols', 'TLSv1', 'a', '_by_lua_block', '${', '\u0000', '€'];
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const n = Math.floor(rnd() * 40);
      for (let j = 0; j < n; j++) s += alphabet[Math.floor(rnd() * alphabet.length)]!;
      const cfg = parse(s);
      for (const p of cfg.problems) assert.ok(p.range.start.line <= p.range.end.line, `bad range for ${JSON.stringify(s)}`);
    }
  });
});
