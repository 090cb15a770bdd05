// The TextMate grammars and language configurations the extension contributes for nginx and
// PEM: they must parse, every regex must compile (in JavaScript and in Oniguruma, the engine
// VS Code runs them with), and real tokenization with vscode-textmate must give the scopes
// themes colour by.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const root = path.resolve(__dirname, '..', '..', '..');
const syntaxes = path.join(root, 'syntaxes');
const examples = path.join(root, 'examples');

const GRAMMARS: Record<string, string> = {
  'source.nginx': path.join(syntaxes, 'nginx.tmLanguage.json'),
  'text.pem': path.join(syntaxes, 'pem.tmLanguage.json'),
  'source.haproxy': path.join(syntaxes, 'haproxy.tmLanguage.json'),
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function readJson(file: string): Json {
  return JSON.parse(readFileSync(file, 'utf8')) as Json;
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(v: Json | undefined, key: string): Json | undefined {
  return isObject(v) ? v[key] : undefined;
}

/** Every regex in a grammar (match, begin, end, while), with where it sits. */
function grammarRegexes(grammar: Json): { where: string; source: string }[] {
  const found: { where: string; source: string }[] = [];
  const visit = (node: Json, where: string): void => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => visit(n, `${where}[${i}]`));
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (['match', 'begin', 'end', 'while'].includes(key) && typeof value === 'string') {
        found.push({ where: `${where}.${key}`, source: value });
      } else {
        visit(value, `${where}.${key}`);
      }
    }
  };
  visit(grammar, '$');
  return found;
}

/** Every `include` value in a grammar. */
function grammarIncludes(grammar: Json): string[] {
  const found: string[] = [];
  const visit = (node: Json): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'include' && typeof value === 'string') found.push(value);
        else visit(value);
      }
    }
  };
  visit(grammar);
  return found;
}

interface Token {
  line: number;
  start: number;
  end: number;
  text: string;
  scopes: string[];
}

interface Tokenized {
  lines: string[];
  tokens: Token[];
  /** Depth of the rule stack after the last line: 1 when every block was closed. */
  finalDepth: number;
}

function tokenize(grammar: vsctm.IGrammar, text: string): Tokenized {
  const lines = text.split(/\r?\n/);
  const tokens: Token[] = [];
  let state: vsctm.StateStack = vsctm.INITIAL;
  lines.forEach((lineText, line) => {
    const r = grammar.tokenizeLine(lineText, state);
    assert.equal(r.stoppedEarly, false, `tokenization stopped early on line ${line + 1}`);
    for (const t of r.tokens) {
      const end = Math.min(t.endIndex, lineText.length);
      tokens.push({ line, start: t.startIndex, end, text: lineText.slice(t.startIndex, end), scopes: t.scopes });
    }
    state = r.ruleStack;
  });
  return { lines, tokens, finalDepth: state.depth };
}

const hasScope = (t: Token, scope: string): boolean => t.scopes.some((s) => s === scope || s.startsWith(`${scope}.`));

/**
 * Which occurrence of a needle: the nth in the text (searched line by line), or the first on
 * the first line that also contains the given string.
 */
type Where = number | string;

/** The tokens covering an occurrence of `needle`. */
function tokensAt(doc: Tokenized, needle: string, where: Where = 0): Token[] {
  let seen = 0;
  for (let line = 0; line < doc.lines.length; line++) {
    const text = doc.lines[line]!;
    if (typeof where === 'string' && !text.includes(where)) continue;
    for (let col = text.indexOf(needle); col >= 0; col = text.indexOf(needle, col + 1)) {
      if (typeof where === 'string' || seen++ === where) {
        return doc.tokens.filter((t) => t.line === line && t.start < col + needle.length && t.end > col);
      }
    }
  }
  assert.fail(`"${needle}" (${typeof where === 'string' ? `on a line with "${where}"` : `occurrence ${where}`}) is not in the sample`);
}

function describeTokens(tokens: Token[]): string {
  return tokens.map((t) => `${JSON.stringify(t.text)} [${t.scopes.join(' ')}]`).join(', ');
}

/** Every character of the needle is in a token with `scope` (or a more specific scope). */
function expectScope(doc: Tokenized, needle: string, scope: string, where: Where = 0): void {
  const tokens = tokensAt(doc, needle, where);
  assert.ok(
    tokens.length > 0 && tokens.every((t) => hasScope(t, scope)),
    `expected "${needle}" to be ${scope}, got ${describeTokens(tokens)}`,
  );
}

/** No character of the needle is in a token with `scope`. */
function expectNoScope(doc: Tokenized, needle: string, scope: string, where: Where = 0): void {
  const tokens = tokensAt(doc, needle, where);
  assert.ok(!tokens.some((t) => hasScope(t, scope)), `expected "${needle}" not to be ${scope}, got ${describeTokens(tokens)}`);
}

function expectNoInvalid(doc: Tokenized, name: string): void {
  const bad = doc.tokens.filter((t) => hasScope(t, 'invalid'));
  assert.deepEqual(
    bad.map((t) => `${name}:${t.line + 1}: ${describeTokens([t])}`),
    [],
    `${name} has tokens scoped invalid`,
  );
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

let onigReady: Promise<void> | undefined;
function loadOniguruma(): Promise<void> {
  if (!onigReady) {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    onigReady = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  }
  return onigReady;
}

async function loadGrammars(): Promise<{ nginx: vsctm.IGrammar; pem: vsctm.IGrammar; haproxy: vsctm.IGrammar }> {
  await loadOniguruma();
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    // Only our two grammars exist here: source.lua (embedded in *_by_lua_block) is absent, as
    // in a VS Code without a Lua extension.
    loadGrammar: async (scopeName: string) => {
      const file = GRAMMARS[scopeName];
      return file ? vsctm.parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
    },
  });
  const nginx = await registry.loadGrammar('source.nginx');
  const pem = await registry.loadGrammar('text.pem');
  const haproxy = await registry.loadGrammar('source.haproxy');
  assert.ok(nginx && pem && haproxy, 'the grammars load');
  return { nginx, pem, haproxy };
}

void describe('grammar and language-configuration files', () => {
  const files = {
    nginxGrammar: path.join(syntaxes, 'nginx.tmLanguage.json'),
    nginxConfig: path.join(syntaxes, 'nginx.language-configuration.json'),
    pemGrammar: path.join(syntaxes, 'pem.tmLanguage.json'),
    pemConfig: path.join(syntaxes, 'pem.language-configuration.json'),
  };

  void test('all four files are valid JSON', () => {
    for (const file of Object.values(files)) assert.doesNotThrow(() => readJson(file), file);
  });

  void test('the grammars declare the scope names package.json contributes', () => {
    assert.equal(field(readJson(files.nginxGrammar), 'scopeName'), 'source.nginx');
    assert.equal(field(readJson(files.pemGrammar), 'scopeName'), 'text.pem');
  });

  void test('every local include points at a repository entry', () => {
    for (const file of [files.nginxGrammar, files.pemGrammar]) {
      const grammar = readJson(file);
      const repository = field(grammar, 'repository');
      for (const inc of grammarIncludes(grammar)) {
        if (!inc.startsWith('#')) continue;
        assert.ok(isObject(field(repository, inc.slice(1))), `${path.basename(file)}: ${inc} is not defined`);
      }
    }
  });

  void test('every grammar regex compiles in JavaScript and in Oniguruma', async () => {
    await loadOniguruma();
    for (const file of [files.nginxGrammar, files.pemGrammar]) {
      const regexes = grammarRegexes(readJson(file));
      assert.ok(regexes.length > 5, `${path.basename(file)} has regexes`);
      for (const { where, source } of regexes) {
        assert.doesNotThrow(() => new RegExp(source), `${path.basename(file)} ${where}: /${source}/ is not a JavaScript regex`);
        assert.doesNotThrow(
          () => new oniguruma.OnigScanner([source]).dispose(),
          `${path.basename(file)} ${where}: /${source}/ is not an Oniguruma regex`,
        );
      }
    }
  });

  void test('nginx: # comments, brackets, auto-closed quotes and brace indentation', () => {
    const config = readJson(files.nginxConfig);
    assert.equal(field(field(config, 'comments'), 'lineComment'), '#');
    assert.deepEqual(field(config, 'brackets'), [
      ['{', '}'],
      ['(', ')'],
      ['[', ']'],
    ]);
    const closing = field(config, 'autoClosingPairs');
    assert.ok(Array.isArray(closing));
    const opens = closing.map((p) => field(p, 'open'));
    for (const open of ['{', '(', '[', '"', "'"]) assert.ok(opens.includes(open), `auto-closes ${open}`);
    const surrounding = field(config, 'surroundingPairs');
    assert.ok(Array.isArray(surrounding) && surrounding.length >= 5);

    const rules = field(config, 'indentationRules');
    const increase = field(rules, 'increaseIndentPattern');
    const decrease = field(rules, 'decreaseIndentPattern');
    assert.ok(typeof increase === 'string' && typeof decrease === 'string');
    const inc = new RegExp(increase);
    const dec = new RegExp(decrease);
    assert.ok(inc.test('server {'));
    assert.ok(inc.test('    location ~* \\.(png|jpg)$ {   '));
    assert.ok(inc.test('http { # main context'));
    assert.ok(!inc.test('types { text/html html; }'));
    assert.ok(!inc.test('# server {'));
    assert.ok(!inc.test('    return 200 "{";'));
    assert.ok(!inc.test('    listen 443 ssl;'));
    assert.ok(dec.test('    }'));
    assert.ok(!dec.test('    listen 443 ssl;'));
  });

  void test('pem: folds BEGIN..END, no comments, no brackets', () => {
    const config = readJson(files.pemConfig);
    assert.equal(field(config, 'comments'), undefined);
    assert.deepEqual(field(config, 'brackets'), []);
    const markers = field(field(config, 'folding'), 'markers');
    const start = field(markers, 'start');
    const end = field(markers, 'end');
    assert.ok(typeof start === 'string' && typeof end === 'string');
    assert.ok(new RegExp(start).test('-----BEGIN CERTIFICATE-----'));
    assert.ok(!new RegExp(start).test('-----END CERTIFICATE-----'));
    assert.ok(new RegExp(end).test('-----END CERTIFICATE-----'));
    assert.ok(!new RegExp(end).test('MIIB-----END'));
  });
});

void describe('grammar tokenization (vscode-textmate + Oniguruma)', () => {
  let nginx: vsctm.IGrammar;
  let pem: vsctm.IGrammar;
  before(async () => {
    ({ nginx, pem } = await loadGrammars());
  });

  const NGINX_SAMPLE = `# TLS for example.com
http {
    include /etc/nginx/mime.types;
    ssl_session_cache shared:SSL:10m;
    ssl_session_timeout 1d;
    log_format main '$remote_addr "$request" \${request_time}s';
    server {
        listen 443 ssl;   # the port
        server_name example.com;
        ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
        proxy_ssl_protocols SSLv3 TLSv1.2;
        ssl_prefer_server_ciphers off;
        add_header Strict-Transport-Security "max-age=63072000; \\"quoted\\"" always;
        return 301 https://$host$request_uri#frag;
        location ~* ^/api/(v1|v2)/ {
            proxy_pass http://127.0.0.1:8080;
        }
        location = /healthz { return 200 'ok'; }
        if ($http_user_agent ~ (MSIE|Trident)) {
            return 403;
        }
        content_by_lua_block {
            local t = { a = { 1, 2 } }  -- a } in a comment
            ngx.say("}")
        }
        gzip on;
    }
}
`;

  void test('comments, directives, TLS keywords and block punctuation', () => {
    const doc = tokenize(nginx, NGINX_SAMPLE);
    expectScope(doc, '# TLS for example.com', 'comment.line.number-sign.nginx');
    expectScope(doc, '#', 'punctuation.definition.comment.nginx');
    expectScope(doc, '# the port', 'comment.line.number-sign.nginx');
    expectNoScope(doc, '#frag', 'comment');
    expectScope(doc, 'include', 'keyword.control.import.nginx');
    expectScope(doc, 'ssl_session_cache', 'keyword.other.directive.tls.nginx');
    expectScope(doc, 'ssl_protocols', 'keyword.other.directive.tls.nginx');
    expectScope(doc, 'proxy_ssl_protocols', 'keyword.other.directive.tls.nginx');
    expectScope(doc, 'listen', 'keyword.other.directive.nginx');
    expectScope(doc, 'server_name', 'keyword.other.directive.nginx');
    expectScope(doc, 'add_header', 'keyword.other.directive.nginx');
    expectScope(doc, 'log_format', 'entity.name.function.directive.nginx');
    expectScope(doc, 'http', 'entity.name.tag.context.nginx');
    expectScope(doc, 'server', 'entity.name.tag.context.nginx', 0);
    expectScope(doc, '{', 'punctuation.section.block.begin.nginx');
    expectScope(doc, ';', 'punctuation.terminator.statement.nginx');
    // Arguments are not directive names.
    expectNoScope(doc, 'example.com;', 'keyword');
    expectNoScope(doc, 'always', 'keyword');
  });

  void test('TLS protocol names are constants, the deprecated ones distinctly', () => {
    const doc = tokenize(nginx, NGINX_SAMPLE);
    expectScope(doc, 'TLSv1', 'constant.language.tls-protocol.deprecated.nginx');
    expectScope(doc, 'TLSv1.1', 'constant.language.tls-protocol.deprecated.nginx');
    expectScope(doc, 'SSLv3', 'constant.language.tls-protocol.deprecated.nginx');
    expectScope(doc, 'TLSv1.2', 'constant.language.tls-protocol.nginx');
    expectNoScope(doc, 'TLSv1.2', 'constant.language.tls-protocol.deprecated');
    expectScope(doc, 'TLSv1.3', 'constant.language.tls-protocol.nginx');
  });

  void test('strings, escapes, variables, numbers with units and on/off', () => {
    const doc = tokenize(nginx, NGINX_SAMPLE);
    expectScope(doc, '"max-age=63072000; \\"quoted\\""', 'string.quoted.double.nginx');
    expectScope(doc, '\\"', 'constant.character.escape.nginx');
    expectScope(doc, "'ok'", 'string.quoted.single.nginx');
    expectScope(doc, '$remote_addr', 'variable.other.readwrite.nginx');
    expectScope(doc, '$remote_addr', 'string.quoted.single.nginx');
    expectScope(doc, '${request_time}', 'variable.other.readwrite.nginx');
    expectScope(doc, '$host', 'variable.other.readwrite.nginx');
    expectScope(doc, '$request_uri', 'variable.other.readwrite.nginx');
    expectScope(doc, '10m', 'constant.numeric.nginx');
    expectScope(doc, 'm', 'keyword.other.unit.nginx', ':10m');
    expectNoScope(doc, '10', 'keyword.other.unit', ':10m');
    expectScope(doc, '1d', 'constant.numeric.nginx');
    expectScope(doc, '443', 'constant.numeric.nginx');
    expectScope(doc, '301', 'constant.numeric.nginx');
    expectNoScope(doc, '127.0.0.1', 'constant.numeric');
    expectScope(doc, 'off', 'constant.language.boolean.nginx');
    expectScope(doc, 'on', 'constant.language.boolean.nginx', 'gzip on');
  });

  void test('regex locations, exact locations and if conditions', () => {
    const doc = tokenize(nginx, NGINX_SAMPLE);
    expectScope(doc, 'location', 'entity.name.tag.context.nginx');
    expectScope(doc, '~*', 'keyword.operator.regexp.nginx');
    expectScope(doc, '^/api/(v1|v2)/', 'string.regexp.nginx');
    expectScope(doc, '=', 'keyword.operator.modifier.nginx', 'location =');
    expectScope(doc, '/healthz', 'string.unquoted.path.nginx');
    expectScope(doc, 'if', 'keyword.control.conditional.nginx');
    expectScope(doc, '(MSIE|Trident)', 'string.regexp.nginx');
    expectScope(doc, 'return 403', 'meta.block.nginx');
  });

  void test('a *_by_lua_block body is embedded Lua and ends at its own closing brace', () => {
    const doc = tokenize(nginx, NGINX_SAMPLE);
    expectScope(doc, 'content_by_lua_block', 'entity.name.function.directive.lua-block.nginx');
    expectScope(doc, 'local t', 'meta.embedded.block.lua');
    expectScope(doc, 'ngx.say', 'source.lua');
    // The braces of the table and those in the comment and string do not end the block…
    expectNoScope(doc, 'gzip', 'meta.embedded.block.lua');
    // …and the directive after it is an nginx directive again.
    expectScope(doc, 'gzip', 'entity.name.function.directive.nginx');
    assert.equal(doc.finalDepth, 1, 'every block is closed at the end of the sample');
  });

  const PEM_SAMPLE = `Bag Attributes
    friendlyName: example.com
subject=CN = example.com
-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUYn0aVpQ7HfG2n0xq0v3Z4kqXz1swCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI0MDEwMTAwMDAwMFoXDTI1MDEwMTAw
MDAwMFowFDESMBAGA1UEAwwJbG9jYWxob3N0MFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAE==
-----END CERTIFICATE-----
-----BEGIN RSA PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-128-CBC,3F17F5316E2BAC89F1F4F3D8B6A4E1C2

bm90IGEga2V5LCBqdXN0IGJhc2U2NCBmb3IgdGhlIHRva2VuaXplciB0ZXN0IQ==
-----END RSA PRIVATE KEY-----
trailing notes
`;

  void test('PEM markers, labels, base64 body, headers and surrounding text', () => {
    const doc = tokenize(pem, PEM_SAMPLE);
    expectScope(doc, 'Bag Attributes', 'comment.line.explanatory.pem');
    expectScope(doc, 'subject=CN = example.com', 'comment.line.explanatory.pem');
    expectScope(doc, 'trailing notes', 'comment.line.explanatory.pem');
    expectScope(doc, '-----BEGIN CERTIFICATE-----', 'meta.marker.begin.pem');
    expectScope(doc, 'BEGIN', 'keyword.control.marker.begin.pem');
    expectScope(doc, '-----', 'punctuation.definition.marker.pem');
    expectScope(doc, 'CERTIFICATE', 'entity.name.type.label.pem');
    expectNoScope(doc, 'CERTIFICATE', 'entity.name.type.label.private-key');
    expectScope(doc, 'MIIBszCCAVmgAwIBAgIUYn0aVpQ7HfG2n0xq0v3Z4kqXz1swCgYIKoZIzj0EAwIw', 'string.unquoted.base64.pem');
    expectScope(doc, 'AQcDQgAE==', 'string.unquoted.base64.pem');
    expectScope(doc, '-----END CERTIFICATE-----', 'meta.marker.end.pem');
    expectScope(doc, 'END', 'keyword.control.marker.end.pem');
    expectScope(doc, 'MIIBszCCA', 'meta.block.pem');
  });

  void test('PRIVATE KEY blocks get their own scopes, RFC 1421 headers are key/value pairs', () => {
    const doc = tokenize(pem, PEM_SAMPLE);
    expectScope(doc, 'RSA PRIVATE KEY', 'entity.name.type.label.private-key.pem');
    expectScope(doc, 'bm90IGEga2V5', 'meta.block.private-key.pem');
    expectScope(doc, 'bm90IGEga2V5', 'string.unquoted.base64.private-key.pem');
    expectScope(doc, 'Proc-Type', 'support.type.property-name.header.pem');
    expectScope(doc, ':', 'punctuation.separator.key-value.pem', 'Proc-Type');
    expectScope(doc, '4,ENCRYPTED', 'string.unquoted.header-value.pem');
    expectScope(doc, 'DEK-Info', 'support.type.property-name.header.pem');
    expectScope(doc, 'AES-128-CBC,3F17F5316E2BAC89F1F4F3D8B6A4E1C2', 'string.unquoted.header-value.pem');
    expectNoInvalid(doc, 'sample');
    assert.equal(doc.finalDepth, 1);
  });

  void test('a BEGIN without END ends at the next BEGIN; a stray END and garbage are invalid', () => {
    const doc = tokenize(pem, '-----BEGIN CERTIFICATE-----\nAAAA\n-----BEGIN CERTIFICATE-----\nBB*B\n-----END CERTIFICATE-----\n-----END CERTIFICATE-----\n');
    expectScope(doc, '-----BEGIN CERTIFICATE-----', 'meta.marker.begin.pem', 1);
    expectScope(doc, '*', 'invalid.illegal.character.pem');
    expectScope(doc, '-----END CERTIFICATE-----', 'invalid.illegal.unmatched-end.pem', 1);
  });

  void test('the example nginx files and certificates tokenize cleanly', () => {
    const nginxFiles = listFiles(path.join(examples, 'nginx'));
    const pemFiles = listFiles(path.join(examples, 'certs')).filter((f) => /\.(crt|pem)$/.test(f));
    assert.ok(nginxFiles.length >= 3 && pemFiles.length >= 5, 'the examples exist');
    for (const file of nginxFiles) {
      const doc = tokenize(nginx, readFileSync(file, 'utf8'));
      expectNoInvalid(doc, path.relative(root, file));
      assert.equal(doc.finalDepth, 1, `${path.relative(root, file)}: every block is closed`);
    }
    const weak = tokenize(nginx, readFileSync(path.join(examples, 'nginx', 'sites-enabled', 'weak.example.com'), 'utf8'));
    expectScope(weak, 'TLSv1.1', 'constant.language.tls-protocol.deprecated.nginx', 'ssl_protocols');
    expectScope(weak, 'SSLv3', 'constant.language.tls-protocol.deprecated.nginx', 'ssl_protocols');
    for (const file of pemFiles) {
      const doc = tokenize(pem, readFileSync(file, 'utf8'));
      expectNoInvalid(doc, path.relative(root, file));
      assert.equal(doc.finalDepth, 1, `${path.relative(root, file)}: every block is closed`);
      expectScope(doc, '-----BEGIN CERTIFICATE-----', 'meta.marker.begin.pem');
    }
  });
});

void describe('HAProxy grammar and language configuration', () => {
  const grammarFile = path.join(syntaxes, 'haproxy.tmLanguage.json');
  const configFile = path.join(syntaxes, 'haproxy.language-configuration.json');
  let haproxy: vsctm.IGrammar;
  before(async () => {
    ({ haproxy } = await loadGrammars());
  });

  void test('valid JSON, the contributed scope name, local includes defined, every regex compiles in JavaScript and Oniguruma', async () => {
    const grammar = readJson(grammarFile);
    assert.equal(field(grammar, 'scopeName'), 'source.haproxy');
    const pkg = readJson(path.join(root, 'package.json'));
    const grammars = field(field(pkg, 'contributes'), 'grammars');
    assert.ok(Array.isArray(grammars) && grammars.some((g) => field(g, 'scopeName') === 'source.haproxy' && field(g, 'language') === 'haproxy'));
    const repository = field(grammar, 'repository');
    for (const inc of grammarIncludes(grammar)) if (inc.startsWith('#')) assert.ok(isObject(field(repository, inc.slice(1))), `${inc} is not defined`);
    await loadOniguruma();
    const regexes = grammarRegexes(grammar);
    assert.ok(regexes.length > 10);
    for (const { where, source } of regexes) {
      assert.doesNotThrow(() => new RegExp(source), `${where}: /${source}/`);
      assert.doesNotThrow(() => new oniguruma.OnigScanner([source]).dispose(), `${where}: /${source}/ in Oniguruma`);
    }
    const config = readJson(configFile);
    assert.equal(field(field(config, 'comments'), 'lineComment'), '#');
    const languages = field(field(pkg, 'contributes'), 'languages');
    const lang = Array.isArray(languages) ? languages.find((l) => field(l, 'id') === 'haproxy') : undefined;
    const firstLine = field(lang, 'firstLine');
    assert.ok(typeof firstLine === 'string');
    const fl = new RegExp(firstLine);
    for (const yes of ['global', 'defaults', 'frontend web', 'listen stats # x']) assert.ok(fl.test(yes), yes);
    for (const no of ['[global]', 'globals', 'frontend', '# comment', 'server {']) assert.ok(!fl.test(no), no);
  });

  const SAMPLE = `# edge
global
    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tlsv10
    tune.ssl.default-dh-param 2048
defaults web from base
    mode http
    timeout client 30s
frontend https-in from web
    bind :443 ssl crt "\${CERTS}/site.pem" alpn h2,http/1.1 # TLS here
    http-request redirect scheme https unless { ssl_fc }
    http-response set-header Strict-Transport-Security "max-age=63072000; \\"x\\""
    http-request set-header X-Path %[path,lower] if { path_beg /api }
    use_backend api if { req.ssl_sni -i api.example.test }
.if version_atleast(2.5)
    http-request set-header X-Raw 'a $b \\x'
.endif
    no option httplog
backend api
    server s1 10.0.0.1:443 ssl verify none ssl-max-ver TLSv1.1
`;

  void test('sections, directives, TLS options, protocol constants, strings, variables, ACL blocks, conditions', () => {
    const doc = tokenize(haproxy, SAMPLE);
    expectScope(doc, '# edge', 'comment.line.number-sign.haproxy');
    expectScope(doc, 'global', 'entity.name.tag.section.haproxy');
    expectScope(doc, 'defaults', 'entity.name.tag.section.haproxy');
    expectScope(doc, 'web', 'entity.name.section.haproxy', 'defaults web');
    expectScope(doc, 'from', 'keyword.other.from.haproxy', 'defaults web');
    expectScope(doc, 'base', 'entity.name.type.defaults.haproxy');
    expectScope(doc, 'https-in', 'entity.name.section.haproxy');
    expectScope(doc, 'ssl-default-bind-options', 'keyword.other.directive.tls.haproxy');
    expectScope(doc, 'tune.ssl.default-dh-param', 'keyword.other.directive.tls.haproxy');
    expectScope(doc, 'bind', 'keyword.other.directive.tls.haproxy');
    expectScope(doc, 'mode', 'keyword.other.directive.haproxy');
    expectScope(doc, 'use_backend', 'keyword.control.flow.haproxy');
    expectScope(doc, 'ssl', 'keyword.other.option.tls.haproxy', 'bind :443');
    expectScope(doc, 'crt', 'keyword.other.option.tls.haproxy');
    expectScope(doc, 'verify', 'keyword.other.option.tls.haproxy');
    expectScope(doc, 'none', 'constant.language.haproxy', 'verify none');
    expectScope(doc, 'TLSv1.2', 'constant.language.tls-protocol.haproxy', 'ssl-min-ver');
    expectNoScope(doc, 'TLSv1.2', 'constant.language.tls-protocol.deprecated', 'ssl-min-ver');
    expectScope(doc, 'TLSv1.1', 'constant.language.tls-protocol.deprecated.haproxy');
    expectScope(doc, '"\${CERTS}/site.pem"', 'string.quoted.double.haproxy');
    expectScope(doc, '\${CERTS}', 'variable.other.environment.haproxy');
    expectScope(doc, '# TLS here', 'comment.line.number-sign.haproxy');
    expectScope(doc, '\\"', 'constant.character.escape.haproxy');
    expectNoScope(doc, '; ', 'comment', 'max-age');
    expectScope(doc, "'a $b \\x'", 'string.quoted.single.haproxy');
    expectNoScope(doc, '$b', 'variable', 'X-Raw');
    expectScope(doc, '{', 'punctuation.section.block.acl.haproxy', 'ssl_fc');
    expectScope(doc, 'unless', 'keyword.control.conditional.haproxy');
    expectScope(doc, '%[path,lower]', 'meta.embedded.sample.haproxy');
    expectScope(doc, '.if', 'keyword.control.conditional.directive.haproxy');
    expectScope(doc, 'no', 'keyword.operator.modifier.haproxy', 'no option');
    expectScope(doc, '443', 'constant.numeric.haproxy', 'bind :443');
    expectScope(doc, '30s', 'constant.numeric.haproxy');
    expectNoInvalid(doc, 'sample');
    assert.equal(doc.finalDepth, 1);
  });

  void test('the HAProxy test fixtures tokenize cleanly', () => {
    const files = listFiles(path.join(root, 'test', 'fixtures', 'haproxy'));
    assert.ok(files.length >= 5);
    for (const file of files) {
      const doc = tokenize(haproxy, readFileSync(file, 'utf8'));
      expectNoInvalid(doc, path.relative(root, file));
      assert.equal(doc.finalDepth, 1, file);
      expectScope(doc, 'global', 'entity.name.tag.section.haproxy');
    }
  });
});
