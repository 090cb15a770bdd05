import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseHaproxy } from '../../server/src/core/formats/haproxy/parser';
import { prng } from '../support/random';

const words = (line: string): string[] => {
  const cfg = parseHaproxy(`global\n${line}\n`);
  assert.deepEqual(cfg.problems, [], `problems in ${line}`);
  return cfg.sections[0]!.lines[0]!.words.map((w) => w.value);
};

describe('HAProxy lexer (configuration.txt 2.2, parse_line())', () => {
  test('blanks separate words; # starts a comment outside quotes', () => {
    assert.deepEqual(words('  log-format %{+Q}o\\ %t\\ %s # trailing comment'), ['log-format', '%{+Q}o %t %s']);
    assert.deepEqual(words('  a "b # c" \'d # e\' f\\#g#h'), ['a', 'b # c', 'd # e', 'f#g']);
  });

  test('the manual\'s equivalent log-format lines read alike', () => {
    const expected = ['log-format', '%{+Q}o %t %s %{-Q}r'];
    for (const l of ['log-format %{+Q}o\\ %t\\ %s\\ %{-Q}r', 'log-format "%{+Q}o %t %s %{-Q}r"', "log-format '%{+Q}o %t %s %{-Q}r'", 'log-format "%{+Q}o %t"\' %s %{-Q}r\'', 'log-format "%{+Q}o %t"\' %s\'\\ %{-Q}r']) {
      assert.deepEqual(words(l), expected, l);
    }
  });

  test('escapes: \\\\, \\", \\\', \\t, \\n, \\r, \\xNN; \\$ only inside double quotes; other backslashes stay', () => {
    assert.deepEqual(words('x a\\\\b \\"q\\" \\\'s\\\' t\\tn \\x41\\x62 \\1 "\\$HOME" \\$'), ['x', 'a\\b', '"q"', "'s'", 't\tn', 'Ab', '\\1', '$HOME', '\\$']);
    // Nothing is interpreted inside single quotes.
    assert.deepEqual(words("x '\\x41 $HOME \\\\'"), ['x', '\\x41 $HOME \\\\']);
  });

  test('no line continuation: a backslash at the end of a line is a backslash', () => {
    const cfg = parseHaproxy('global\n    maxconn 10\\\n    nbthread 2\n');
    assert.deepEqual(cfg.sections[0]!.lines.map((l) => l.words.map((w) => w.value)), [['maxconn', '10\\'], ['nbthread', '2']]);
  });

  test('environment variables expand inside double quotes only, and are marked', () => {
    const cfg = parseHaproxy('global\n    a "${CERTS}/site.pem" $NOT "x$Y" "${D-def}" "${LIST[*]}"\n');
    const w = cfg.sections[0]!.lines[0]!.words;
    assert.deepEqual(w.map((x) => [x.value, x.env]), [['a', false], ['${CERTS}/site.pem', true], ['$NOT', false], ['x$Y', true], ['${D-def}', true], ['${LIST[*]}', true]]);
  });

  test('word ranges are exact, quotes included', () => {
    const text = 'frontend  web\n\tbind "10.0.0.1:443" ssl  crt\t/etc/x.pem # c\n';
    const cfg = parseHaproxy(text);
    const s = cfg.sections[0]!;
    assert.deepEqual(s.name!.range, { start: { line: 0, character: 10 }, end: { line: 0, character: 13 } });
    const [bind, addr, ssl, crt, path] = s.lines[0]!.words;
    assert.deepEqual([bind, addr, ssl, crt, path].map((w) => [w!.range.start.character, w!.range.end.character, w!.raw]), [
      [1, 5, 'bind'],
      [6, 20, '"10.0.0.1:443"'],
      [21, 24, 'ssl'],
      [26, 29, 'crt'],
      [30, 40, '/etc/x.pem'],
    ]);
    assert.equal(addr!.value, '10.0.0.1:443');
    assert.deepEqual(s.range, { start: { line: 0, character: 0 }, end: { line: 1, character: 40 } });
  });

  test('problems are located where HAProxy stops', () => {
    const cases: Array<[string, string, number]> = [
      ['    a "open', 'unmatched quote', 6],
      ["    a 'open", 'unmatched quote', 6],
      ['    a \\xZZ', 'hexadecimal', 6],
      ['    a "${1X}"', 'forbidden first character', 9],
      ['    a "${X"', 'unmatched brace', 8],
      ['    a "${X[1]}"', 'word expansion', 10],
    ];
    for (const [line, message, character] of cases) {
      const cfg = parseHaproxy(`global\n${line}\n`);
      assert.equal(cfg.problems.length, 1, line);
      assert.ok(cfg.problems[0]!.message.includes(message), `${line}: ${cfg.problems[0]!.message}`);
      assert.deepEqual(cfg.problems[0]!.range.start, { line: 1, character }, line);
      assert.equal(cfg.problems[0]!.fatal, true);
    }
  });

  test('statements before any section, too many words, a missing final LF', () => {
    const cfg = parseHaproxy(`  maxconn 10\nglobal\n  x ${Array.from({ length: 70 }, (_, i) => `w${i}`).join(' ')}\n  nbthread 1`);
    assert.deepEqual(cfg.problems.map((p) => [p.message.split(' ').slice(0, 3).join(' '), p.range.start.line, p.fatalSince]), [
      ["unknown keyword 'maxconn'", 0, undefined],
      ['too many words', 2, undefined],
      ['missing LF on', 3, '2.3'],
    ]);
    assert.deepEqual(parseHaproxy('global\n').problems, []);
    assert.deepEqual(parseHaproxy('').problems, []);
  });
});

describe('HAProxy sections', () => {
  test('global, named defaults, from, frontend/backend/listen, other sections kept as "other"', () => {
    const cfg = parseHaproxy(`global
    daemon
defaults base
    mode http
defaults tls from base
    timeout client 5s
defaults from tls
    timeout server 5s
frontend web from tls
    bind :443 ssl crt a.pem
backend app
    server s1 10.0.0.1:443 ssl verify none
listen stats
    bind :8404
userlist admins
    user a password x
resolvers dns
    nameserver n 10.0.0.2:53
`);
    assert.deepEqual(cfg.problems, []);
    assert.deepEqual(cfg.sections.map((s) => [s.kind, s.name?.value, s.from?.value, s.lines.length]), [
      ['global', undefined, undefined, 1],
      ['defaults', 'base', undefined, 1],
      ['defaults', 'tls', 'base', 1],
      ['defaults', undefined, 'tls', 1],
      ['frontend', 'web', 'tls', 1],
      ['backend', 'app', undefined, 1],
      ['listen', 'stats', undefined, 1],
      ['other', 'admins', undefined, 1],
      ['other', 'dns', undefined, 1],
    ]);
  });

  test('"no" and "default" modifiers; keywords keep their case', () => {
    const cfg = parseHaproxy('defaults\n    no option httplog\n    default option forwardfor\n    Mode http\n');
    assert.deepEqual(cfg.sections[0]!.lines.map((l) => [l.modifier, l.keyword]), [['no', 'option'], ['default', 'option'], [undefined, 'Mode']]);
  });
});

describe('HAProxy conditional blocks (configuration.txt 2.4)', () => {
  test('.if 0 drops, .if 1 takes, .else inverts, nesting follows the outer block', () => {
    const cfg = parseHaproxy(`global
.if 0
    a
.elif 1
    b
.else
    c
.endif
.if !0
    d
  .if 0
    e
  .endif
.endif
`);
    assert.deepEqual(cfg.problems, []);
    assert.deepEqual(cfg.sections[0]!.lines.map((l) => [l.keyword, l.conditional ?? false]), [['b', false], ['d', false]]);
  });

  test('conditions TLS Lens cannot evaluate: every branch is read and marked conditional', () => {
    const cfg = parseHaproxy(`frontend f
.if version_atleast(2.4)
    bind :443 ssl crt a.pem ssl-min-ver TLSv1.2
.else
    bind :443 ssl crt a.pem
.endif
    mode http
`);
    const s = cfg.sections[0]!;
    assert.deepEqual(s.lines.map((l) => [l.keyword, l.conditional ?? false]), [['bind', true], ['bind', true], ['mode', false]]);
    assert.equal(s.conditional, true);
  });

  test('structure problems', () => {
    const msgs = (t: string): string[] => parseHaproxy(t).problems.map((p) => p.message);
    assert.deepEqual(msgs('global\n.endif\n'), ["lone '.endif' with no matching '.if'"]);
    assert.deepEqual(msgs('global\n.if 1\n.else\n.elif 1\n.endif\n'), ["'.elif' after '.else' is not permitted"]);
    assert.deepEqual(msgs('global\n.if 1\n    a\n'), ["non-terminated '.if' block"]);
    assert.deepEqual(msgs('global\n.foo\n'), ["unknown directive '.foo'"]);
    assert.deepEqual(msgs('global\n.warning a b\n'), ["unexpected argument 'b' for '.warning' (quote the message if it holds spaces)"]);
    assert.deepEqual(msgs('global\n.if 0\n.alert "stop"\n.endif\n.notice "ok"\n'), []);
    assert.equal(msgs('global\n.alert "stop"\n').length, 1);
  });
});

test('the parser never throws and keeps every range inside the text (random input)', () => {
  const rnd = prng(12);
  const alphabet = ['global\n', 'frontend f\n', '    bind :443 ssl crt x.pem\n', '"', "'", '\\', '#', '$', '{', '}', ' ', '\t', '\n', '\r\n', 'x', '.if 1\n', '.endif\n', '\\x4', '${', 'A'];
  for (let i = 0; i < 400; i++) {
    let text = '';
    const n = Math.floor(rnd() * 60);
    for (let j = 0; j < n; j++) text += alphabet[Math.floor(rnd() * alphabet.length)]!;
    const cfg = parseHaproxy(text);
    const lines = text.split(/\r\n|\r|\n/);
    for (const s of cfg.sections) {
      for (const l of [s.header, ...s.lines]) {
        for (const w of l.words) {
          assert.ok(w.range.start.line < lines.length && w.range.end.character <= lines[w.range.start.line]!.length, JSON.stringify(text));
          assert.equal(text.slice(w.offset, w.offset + w.raw.length), w.raw);
        }
      }
    }
  }
});
