/**
 * Unread includes hide only what they could set, where they stand (issue 11): by nginx's
 * directive contexts and the include's name; judged values say what they assumed; one note
 * per include names what was not judged. Files nginx ships are known content.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { allowedIn } from '../../server/src/core/formats/nginx/contexts';
import type { LevelKind } from '../../server/src/core/formats/nginx/effective';
import { includeKinds } from '../../server/src/core/formats/nginx/unknowns';
import { STOCK_FILES } from '../../server/src/core/formats/nginx/stock';
import { lint } from '../support/lint';
import { findTool } from '../support/tools';

const CERT = '    ssl_certificate /c.pem;\n    ssl_certificate_key /k.pem;\n';
const ids = (text: string, file = 'nginx.conf') => lint(text, file, { nginxVersion: '1.24.0' });

describe('an unread include hides what it could set where it stands', () => {
  test('include upload_params; in one location hides nothing at the server or in other locations', () => {
    const text = `http {\nserver {\n    listen 443 ssl;\n${CERT}    location /upload {\n        include upload_params;\n        proxy_pass https://up;\n    }\n    location /api {\n        proxy_pass https://api;\n    }\n}\n}\n`;
    const f = ids(text);
    const rules = f.map((x) => x.ruleId).sort();
    assert.deepEqual(rules, ['nginx/default-protocols', 'nginx/missing-hsts', 'nginx/session-tickets', 'nginx/upstream-unverified', 'nginx/upstream-unverified', 'nginx/weak-ciphers']);
    // Only the judgement in the include's own location rests on it, and says so.
    const up = f.filter((x) => x.ruleId === 'nginx/upstream-unverified');
    assert.deepEqual(up.map((x) => [x.range.start.line, x.assumptions ?? []]), [
      [7, ['`include upload_params;` (line 7) is not in the workspace; assumed it sets no TLS directive']],
      [10, []],
    ]);
    assert.match(up[0]!.message, /\(assumed: `include upload_params;` \(line 7\) is not in the workspace; assumed it sets no TLS directive\)$/);
    for (const x of f.filter((y) => y.ruleId !== 'nginx/upstream-unverified')) assert.equal(x.assumptions, undefined, x.ruleId);
  });

  test('an ssl-named include in the server hides the ssl_* judgements, leaves one note, and HSTS is judged saying what it assumed', () => {
    const text = `http {\nserver {\n    listen 443 ssl;\n    include /etc/letsencrypt/options-ssl-nginx.conf;\n}\n}\n`;
    const f = ids(text);
    assert.deepEqual(f.map((x) => x.ruleId).sort(), ['nginx/include-unknown', 'nginx/missing-hsts']);
    const note = f.find((x) => x.ruleId === 'nginx/include-unknown')!;
    assert.equal(note.severity, 'info');
    assert.deepEqual([note.range.start.line, note.range.start.character], [3, 12]);
    assert.match(note.message, /likely sets ssl_protocols, ssl_ciphers, ssl_certificate and ssl_session_tickets: not judged here; add the file to the workspace, or map its folder with pathMappings/);
    assert.deepEqual(f.find((x) => x.ruleId === 'nginx/missing-hsts')!.assumptions, ['`include /etc/letsencrypt/options-ssl-nginx.conf;` (line 4) is not in the workspace; assumed it sets no Strict-Transport-Security']);
  });

  test('a headers include hides HSTS only; a resolver include hides the resolver only; an explicit value beside an include is judged', () => {
    const hsts = ids(`http {\nserver {\n    listen 443 ssl;\n${CERT}    ssl_protocols TLSv1.2;\n    include snippets/hsts.conf;\n}\n}\n`);
    assert.ok(!hsts.some((x) => x.ruleId === 'nginx/missing-hsts'));
    assert.ok(hsts.some((x) => x.ruleId === 'nginx/weak-ciphers'), 'ciphers are judged: a headers file sets none');
    assert.match(hsts.find((x) => x.ruleId === 'nginx/include-unknown')!.message, /likely sets Strict-Transport-Security/);
    const stapling = `http {\nserver {\n    listen 443 ssl;\n${CERT}    ssl_stapling on;\n    include RESOLVER;\n}\n}\n`;
    assert.ok(!ids(stapling.replace('RESOLVER', '/config/nginx/resolver.conf')).some((x) => x.ruleId === 'nginx/stapling-without-resolver'));
    const judged = ids(stapling.replace('RESOLVER', 'gzip.conf')).find((x) => x.ruleId === 'nginx/stapling-without-resolver');
    assert.deepEqual(judged?.assumptions, ['`include gzip.conf;` (line 7) is not in the workspace; assumed it sets no TLS directive']);
    // ssl_protocols set in the server: an ssl-named include beside it cannot set it again (nginx: "is duplicate").
    const explicitOff = ids(`http {\nserver {\n    listen 443 ssl;\n    include ssl.conf;\n    location / {\n        proxy_ssl_verify off;\n        proxy_pass https://a;\n    }\n}\n}\n`);
    assert.ok(explicitOff.some((x) => x.ruleId === 'nginx/upstream-unverified'), 'verify off in the location is judged: the include is at the server');
  });

  test('files nginx ships are known content: include mime.types in http silences nothing; snakeoil gives the certificate', () => {
    const text = `http {\n    include mime.types;\n    include /etc/nginx/fastcgi_params;\n    server {\n        listen 443 ssl;\n        include snippets/snakeoil.conf;\n    }\n}\n`;
    const f = ids(text);
    assert.ok(!f.some((x) => x.ruleId === 'nginx/missing-certificate'), 'snakeoil.conf sets ssl_certificate and ssl_certificate_key');
    assert.ok(!f.some((x) => x.ruleId === 'nginx/include-unknown'));
    assert.deepEqual([...new Set(f.map((x) => x.ruleId))].sort(), ['nginx/default-protocols', 'nginx/missing-hsts', 'nginx/session-tickets', 'nginx/weak-ciphers']);
    assert.ok(f.every((x) => !x.assumptions), 'known content needs no assumption');
  });

  test('the stock table holds what Debian 12 nginx-common ships', () => {
    const names = STOCK_FILES.map((s) => s.name).sort();
    assert.deepEqual(names, ['fastcgi.conf', 'fastcgi_params', 'koi-utf', 'koi-win', 'mime.types', 'proxy_params', 'scgi_params', 'snippets/fastcgi-php.conf', 'snippets/snakeoil.conf', 'uwsgi_params', 'win-utf']);
    assert.deepEqual(STOCK_FILES.filter((s) => s.sets.length).map((s) => [s.name, s.sets.map((d) => d[0])]), [['snippets/snakeoil.conf', ['ssl_certificate', 'ssl_certificate_key']]]);
  });

  test('what a name suggests, on the names SWAG and certbot use', () => {
    const k = (p: string) => [...includeKinds(p)].sort();
    assert.deepEqual(k('/config/nginx/ssl.conf'), ['tls']);
    assert.deepEqual(k('/etc/letsencrypt/options-ssl-nginx.conf'), ['tls']);
    assert.deepEqual(k('/config/nginx/proxy.conf'), []);
    assert.deepEqual(k('/config/nginx/resolver.conf'), ['resolver']);
    assert.deepEqual(k('/config/nginx/authelia-location.conf'), []);
    assert.deepEqual(k('upload_params'), []);
    assert.deepEqual(k('snippets/security-headers.conf'), ['headers']);
    assert.deepEqual(k('conf.d/proxy-ssl.conf'), ['tls', 'upstream-tls']);
    assert.deepEqual(k('force-https.conf'), ['redirect', 'tls']);
  });
});

// nginx -t decides where each directive is allowed: the table must agree with it.
const nginx = findTool('nginx');
test('the directive contexts agree with nginx -t', { skip: nginx.skip }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tls-lens-ctx-'));
  try {
    const places: Record<'http' | 'server' | 'location' | 'if', (line: string) => string> = {
      http: (l) => `http {\n${l}\n    server { listen 127.0.0.1:18601; }\n}`,
      server: (l) => `http {\n    server {\n        listen 127.0.0.1:18601;\n${l}\n    }\n}`,
      location: (l) => `http {\n    server {\n        listen 127.0.0.1:18601;\n        location / {\n${l}\n        }\n    }\n}`,
      if: (l) => `http {\n    server {\n        listen 127.0.0.1:18601;\n        location / {\n            if ($arg_x) {\n${l}\n            }\n        }\n    }\n}`,
    };
    const lines: Record<string, string> = {
      ssl_protocols: 'ssl_protocols TLSv1.2;',
      ssl_ciphers: 'ssl_ciphers HIGH;',
      ssl_stapling: 'ssl_stapling off;',
      ssl_session_tickets: 'ssl_session_tickets off;',
      add_header: 'add_header X-A b;',
      proxy_ssl_verify: 'proxy_ssl_verify off;',
      resolver: 'resolver 127.0.0.1;',
      return: 'return 200;',
    };
    let checked = 0;
    for (const [name, line] of Object.entries(lines)) {
      for (const [level, wrap] of Object.entries(places)) {
        if (name === 'return' && level === 'http') continue;
        const conf = path.join(dir, `${name}-${level}.conf`);
        writeFileSync(conf, `pid ${dir}/p;\nevents {}\n${wrap('            ' + line)}\n`.replace('http {\n', `http {\n    access_log off;\n    client_body_temp_path ${dir};\n    proxy_temp_path ${dir};\n    fastcgi_temp_path ${dir};\n    uwsgi_temp_path ${dir};\n    scgi_temp_path ${dir};\n`));
        const r = spawnSync(nginx.path!, ['-t', '-p', dir + '/', '-c', conf, '-e', path.join(dir, 'e.log')], { encoding: 'utf8' });
        const refused = /is not allowed here/.test(r.stderr);
        assert.ok(r.status === 0 || refused, `${name} in ${level}: ${r.stderr}`);
        assert.equal(allowedIn(name, level as LevelKind, 'http'), !refused, `${name} in ${level}: nginx ${refused ? 'refuses' : 'accepts'} it`);
        checked++;
      }
    }
    assert.equal(checked, 31);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
