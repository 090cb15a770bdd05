/**
 * The real nginx as an oracle for the parser and include resolution: configurations that
 * `nginx -t` accepts must parse and load without a problem (and `nginx -T` must list the
 * same files, in the same order, as `loadNginxConfig`), and configurations it rejects for
 * their syntax must give at least one problem.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadNginxConfig } from '../../server/src/core/formats/nginx/includes';
import { parseNginx } from '../../server/src/core/formats/nginx/parser';
import { LineIndex } from '../../server/src/core/text';
import { NodeHost } from '../../server/src/host/nodeHost';
import { findTool } from '../support/tools';

const nginx = findTool('nginx');
const openssl = findTool('openssl');
const skip = nginx.skip ?? openssl.skip;

/** Where Debian's dynamic modules live (`nginx -V` → --modules-path). */
function modulePath(name: string): string | undefined {
  if (!nginx.path) return undefined;
  const v = spawnSync(nginx.path, ['-V'], { encoding: 'utf8' });
  const dir = /--modules-path=(\S+)/.exec(`${v.stdout}${v.stderr}`)?.[1] ?? '/usr/lib/nginx/modules';
  const p = path.join(dir, name);
  return existsSync(p) ? p : undefined;
}

/** `load_module` when the module is dynamic here; '' when built in; undefined when missing. */
function moduleLine(module: 'stream' | 'mail'): string | undefined {
  if (!nginx.path) return undefined;
  const v = spawnSync(nginx.path, ['-V'], { encoding: 'utf8' });
  const conf = `${v.stdout}${v.stderr}`;
  if (conf.includes(`--with-${module} `) || conf.includes(`--with-${module}\n`)) return '';
  const so = modulePath(`ngx_${module}_module.so`);
  return so ? `load_module ${so};\n` : undefined;
}

interface Case {
  name: string;
  /** Files relative to the prefix; `conf/nginx.conf` is the entry. `@P@` = the prefix, `@CERT@`/`@KEY@` = the test certificate. */
  files: Record<string, string>;
  needs?: 'stream' | 'mail';
  /** The oldest nginx that accepts it (e.g. `http2 on` needs 1.25.1): an older local nginx checks only the parser. */
  nginxAtLeast?: string;
}

/** Global lines every valid case starts with: nothing may touch paths outside the prefix. */
const HEAD = 'daemon off;\npid @P@/nginx.pid;\nerror_log @P@/err.log;\n';
const HTTP_TEMP =
  '  client_body_temp_path @P@/tmp/body;\n  proxy_temp_path @P@/tmp/proxy;\n  fastcgi_temp_path @P@/tmp/fastcgi;\n' +
  '  uwsgi_temp_path @P@/tmp/uwsgi;\n  scgi_temp_path @P@/tmp/scgi;\n  access_log off;\n';

const TLS = '    ssl_certificate @CERT@;\n    ssl_certificate_key @KEY@;\n';

const VALID: Case[] = [
  {
    name: 'a modern TLS site with HSTS',
    files: {
      'conf/nginx.conf':
        HEAD +
        'events { worker_connections 64; }\nhttp {\n' +
        HTTP_TEMP +
        '  server {\n    listen 127.0.0.1:8443 ssl http2;\n    listen [::1]:8443 ssl http2;\n    server_name example.test www.example.test;\n' +
        TLS +
        '    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256;\n' +
        '    ssl_prefer_server_ciphers off;\n    ssl_session_cache shared:SSL:10m;\n    ssl_session_timeout 1d;\n    ssl_session_tickets off;\n' +
        '    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains; preload" always;\n' +
        '    root @P@/html;\n    index index.html;\n  }\n}\n',
    },
  },
  {
    name: 'redirect to https, default_server, a rejecting catch-all',
    files: {
      'conf/nginx.conf':
        HEAD +
        'events {}\nhttp {\n' +
        HTTP_TEMP +
        '  server {\n    listen 127.0.0.1:8080 default_server;\n    server_name _;\n    return 301 https://$host$request_uri;\n  }\n' +
        '  server {\n    listen 127.0.0.1:8443 ssl default_server;\n    ssl_reject_handshake on;\n  }\n' +
        '  server {\n    listen 127.0.0.1:8443 ssl;\n    server_name ~^(?<sub>[a-z]+)\\.example\\.test$;\n' +
        TLS +
        '    location / { return 200 "hello $sub\\n"; }\n  }\n}\n',
    },
  },
  {
    name: 'maps, upstreams and a verified https upstream',
    files: {
      'conf/nginx.conf':
        HEAD +
        'events {}\nhttp {\n' +
        HTTP_TEMP +
        '  map $http_upgrade $connection_upgrade {\n    default upgrade;\n    ""      close;\n  }\n' +
        '  map $host $backend_name {\n    hostnames;\n    default app;\n    *.api.example.test api;\n    ~^static\\. static;\n  }\n' +
        '  upstream app { server 127.0.0.1:9001 weight=3 max_fails=2 fail_timeout=10s; server 127.0.0.1:9002 backup; keepalive 16; }\n' +
        '  upstream api { least_conn; server 127.0.0.1:9003; }\n' +
        '  server {\n    listen 127.0.0.1:8443 ssl;\n' +
        TLS +
        '    location / {\n      proxy_pass https://app;\n      proxy_http_version 1.1;\n' +
        '      proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection $connection_upgrade;\n' +
        '      proxy_ssl_verify on;\n      proxy_ssl_trusted_certificate @CERT@;\n      proxy_ssl_server_name on;\n      proxy_ssl_name app.internal;\n' +
        '      proxy_ssl_protocols TLSv1.2 TLSv1.3;\n      proxy_ssl_session_reuse on;\n    }\n  }\n}\n',
    },
  },
  {
    name: 'regex locations with captures and quoted braces',
    files: {
      'conf/nginx.conf':
        HEAD +
        'events {}\nhttp {\n' +
        HTTP_TEMP +
        '  server {\n    listen 127.0.0.1:8080;\n' +
        '    location ~ "^/(\\d{2,3})/item$" { return 200 "$1"; }\n' +
        '    location ~* \\.(png|jpe?g|gif)$ { expires 30d; }\n' +
        '    location = /exact { return 204; }\n' +
        '    location ~ "^/glued$"{ return 204 ;}\n' +
        '    location ^~ /static/ { alias @P@/static/; }\n' +
        '    rewrite "^/old/([a-z]{1,8})$" /new/$1 permanent;\n' +
        '    rewrite ^/legacy/(.*)$ /modern/$1 last;\n  }\n}\n',
    },
  },
  {
    name: 'quoted strings, escapes and ${var}',
    files: {
      'conf/nginx.conf':
        HEAD +
        'events {}\nhttp {\n' +
        HTTP_TEMP +
        '  server {\n    listen 127.0.0.1:8080;\n' +
        '    add_header X-Quote "a \\"quoted\\" value; with {braces}";\n' +
        "    add_header X-Single 'it\\'s # not a comment';\n" +
        '    set $greeting "tab\\there";\n' +
        '    set $joined "${host}suffix";\n' +
        '    set $unq ${scheme}://${host};\n' +
        '    return 200 "multi\nline";\n  }\n}\n',
    },
  },
  {
    name: 'if blocks with conditions',
    files: {
      'conf/nginx.conf':
        HEAD +
        'events {}\nhttp {\n' +
        HTTP_TEMP +
        '  server {\n    listen 127.0.0.1:8080;\n' +
        '    if ($request_method = POST) { return 405; }\n' +
        '    location / {\n      if ($http_user_agent ~* "(bot|crawler){1}") { return 403; }\n' +
        '      if ($arg_x = "y"){ return 204; }\n      if (-f $request_filename) { add_header X-File yes; }\n      if ($args ~ "^a=(?<a>[0-9]+)$") { set $x $a; }\n    }\n  }\n}\n',
    },
  },
  {
    name: 'nested includes with globs, relative to the conf dir',
    files: {
      'conf/nginx.conf': HEAD + 'events {}\nhttp {\n' + HTTP_TEMP + '  include mime.types;\n  include conf.d/*.conf;\n  include optional.d/*.conf;\n}\n',
      'conf/mime.types': 'types {\n  text/html html htm;\n  application/json json;\n}\n',
      'conf/conf.d/20-b.conf': 'server {\n  listen 127.0.0.1:8082;\n  include snippets/*.conf;\n}\n',
      'conf/conf.d/10-a.conf': 'server {\n  listen 127.0.0.1:8443 ssl;\n' + TLS.replace(/^ {4}/gm, '  ') + '  include snippets/ssl-[a-z]*.conf;\n}\n',
      'conf/conf.d/ignored.txt': 'this is not nginx {',
      'conf/snippets/ssl-params.conf': 'ssl_protocols TLSv1.2 TLSv1.3;\nssl_session_tickets off;\n',
      'conf/snippets/headers.conf': 'add_header X-Frame-Options DENY always;\n',
      'conf/snippets/.hidden.conf': 'this is not nginx either {',
    },
  },
  {
    name: 'nested locations, limit_except, named locations, try_files',
    files: {
      'conf/nginx.conf':
        HEAD +
        'events {}\nhttp {\n' +
        HTTP_TEMP +
        '  server {\n    listen 127.0.0.1:8080;\n    root @P@/html;\n' +
        '    location / {\n      try_files $uri $uri/ @fallback;\n      location /api/ {\n        limit_except GET HEAD { deny all; }\n        location ~ ^/api/v[12]/ { add_header X-V 1; }\n      }\n    }\n' +
        '    location @fallback { return 404; }\n    error_page 500 502 503 504 /50x.html;\n  }\n}\n',
    },
  },
  {
    name: 'comments, CRLF, tabs and directives split over lines',
    files: {
      'conf/nginx.conf': (
        HEAD +
        '# a comment { with ; braces }\r\nevents {} # trailing\r\nhttp {\r\n' +
        HTTP_TEMP +
        '\tserver\r\n\t{\r\n\t\tlisten\r\n\t\t\t127.0.0.1:8080 # comment mid-directive\r\n\t\t\t;\r\n' +
        '\t\tadd_header X-Hash "value # kept";\r\n\t\tlocation /a{return 200;}\r\n\t}\r\n}\r\n'
      ).replace(/\n(?!\r)/g, '\r\n').replace(/\r\r\n/g, '\r\n'),
    },
  },
  {
    name: 'geo, split_clients and an include inside a map',
    files: {
      'conf/nginx.conf':
        HEAD +
        'events {}\nhttp {\n' +
        HTTP_TEMP +
        '  geo $trusted {\n    default 0;\n    127.0.0.0/8 1;\n    10.0.0.0/8 1;\n  }\n' +
        '  split_clients "${remote_addr}salt" $variant {\n    50% a;\n    * b;\n  }\n' +
        '  map $uri $mapped {\n    default 0;\n    include maps/uris.map;\n  }\n' +
        '  server { listen 127.0.0.1:8080; return 200 "$trusted $variant $mapped"; }\n}\n',
      'conf/maps/uris.map': '/a 1;\n/b 2;\n"~^/c/(.*)$" 3;\n',
    },
  },
  {
    name: 'mutual TLS with client verification',
    files: {
      'conf/nginx.conf':
        HEAD +
        'events {}\nhttp {\n' +
        HTTP_TEMP +
        '  ssl_protocols TLSv1.3;\n' +
        '  server {\n    listen 127.0.0.1:8443 ssl;\n' +
        TLS +
        '    ssl_client_certificate @CERT@;\n    ssl_verify_client on;\n    ssl_verify_depth 2;\n    ssl_trusted_certificate @CERT@;\n' +
        '    ssl_ecdh_curve X25519:prime256v1;\n    ssl_buffer_size 4k;\n    ssl_conf_command Options PrioritizeChaCha;\n' +
        '    location / { if ($ssl_client_verify != SUCCESS) { return 403; } return 200 $ssl_client_s_dn; }\n  }\n}\n',
    },
  },
  {
    name: 'grpc and uwsgi over TLS',
    files: {
      'conf/nginx.conf':
        HEAD +
        'events {}\nhttp {\n' +
        HTTP_TEMP +
        '  server {\n    listen 127.0.0.1:8443 ssl http2;\n' +
        TLS +
        '    location /svc. { grpc_pass grpcs://127.0.0.1:50051; grpc_ssl_verify on; grpc_ssl_trusted_certificate @CERT@; grpc_ssl_server_name on; }\n' +
        '    location /py { include uwsgi_params; uwsgi_pass suwsgi://127.0.0.1:3031; uwsgi_ssl_verify off; }\n  }\n}\n',
      'conf/uwsgi_params': 'uwsgi_param QUERY_STRING $query_string;\nuwsgi_param REQUEST_METHOD $request_method;\n',
    },
  },
  {
    name: 'log formats with escapes and multi-line strings',
    files: {
      'conf/nginx.conf':
        HEAD +
        'events {}\nhttp {\n' +
        HTTP_TEMP +
        "  log_format json escape=json '{'\n    '\"time\":\"$time_iso8601\",'\n    '\"req\":\"$request\"'\n  '}';\n" +
        '  log_format main \'$remote_addr - "$request" $status\';\n' +
        '  server { listen 127.0.0.1:8080; access_log @P@/access.log json; }\n}\n',
    },
  },
  {
    name: 'top-level directives, events parameters and env',
    files: {
      'conf/nginx.conf':
        HEAD +
        'worker_processes auto;\nworker_rlimit_nofile 1024;\nenv TZ;\nenv LANG=C;\npcre_jit on;\n' +
        'events {\n  worker_connections 128;\n  multi_accept on;\n}\nhttp {\n' +
        HTTP_TEMP +
        '  sendfile on;\n  keepalive_timeout 65 60;\n  server_tokens off;\n  ssl_session_cache shared:SSL:1m;\n' +
        '  server { listen unix:@P@/nginx.sock; location / { return 200; } }\n}\n',
    },
  },
  {
    name: 'a stream block: TLS termination and re-encryption',
    needs: 'stream',
    files: {
      'conf/nginx.conf':
        '@STREAM@' +
        HEAD +
        'events {}\nstream {\n  upstream db { server 127.0.0.1:5432; }\n  ssl_protocols TLSv1.2 TLSv1.3;\n' +
        '  server {\n    listen 127.0.0.1:15432 ssl;\n' +
        TLS +
        '    proxy_pass db;\n    proxy_ssl on;\n    proxy_ssl_verify on;\n    proxy_ssl_trusted_certificate @CERT@;\n    proxy_ssl_name db.internal;\n  }\n' +
        '  server { listen 127.0.0.1:15353 udp; proxy_pass 127.0.0.1:53; }\n}\n',
    },
  },
  {
    name: 'a mail block with implicit TLS',
    needs: 'mail',
    files: {
      'conf/nginx.conf':
        '@MAIL@' +
        HEAD +
        'events {}\nmail {\n  server_name mail.example.test;\n  auth_http 127.0.0.1:9000/auth;\n  ssl_protocols TLSv1.2 TLSv1.3;\n' +
        '  server {\n    listen 127.0.0.1:9993 ssl;\n    protocol imap;\n' +
        TLS +
        '  }\n}\n',
    },
  },
];

// ---------------------------------------------------------------------------------------
// Configurations in the shape Mozilla's SSL Configuration Generator (ssl-config.mozilla.org)
// writes for nginx: per profile and nginx version, with its comments, `listen … http2` before
// 1.25.1 and `http2 on` after, `ssl_session_tickets off` for 1.5.9 ≤ nginx < 1.23.2, the
// ffdhe2048 `ssl_dhparam` for DHE suites, OCSP stapling with a resolver and the 308/301
// redirect server. The generator's placeholder paths are replaced by real files.

const MOZ_CIPHERS: Record<'intermediate' | 'old', string> = {
  intermediate: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305',
  old:
    'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA',
};

function mozillaCase(profile: 'modern' | 'intermediate' | 'old', version: string): Case {
  const [maj, min, patch] = version.split('.').map(Number) as [number, number, number];
  const atLeast = (a: number, b: number, c: number): boolean => maj !== a ? maj > a : min !== b ? min > b : patch >= c;
  const http2Directive = atLeast(1, 25, 1);
  const tickets = atLeast(1, 5, 9) && !atLeast(1, 23, 2);
  const protocols = profile === 'modern' ? 'TLSv1.3' : profile === 'intermediate' ? 'TLSv1.2 TLSv1.3' : 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3';
  const header = `# generated 2026-11-30, Mozilla Guideline v5.7, nginx ${version}, OpenSSL 3.0.13, ${profile} config\n# https://ssl-config.mozilla.org/#server=nginx&version=${version}&config=${profile}&openssl=3.0.13&guideline=5.7\n`;
  const tls = [
    `    listen 443 ssl${http2Directive ? '' : ' http2'};`,
    `    listen [::]:443 ssl${http2Directive ? '' : ' http2'};`,
    ...(http2Directive ? ['    http2 on;'] : []),
    '',
    '    # certs sent to the client in SERVER HELLO are concatenated in ssl_certificate',
    '    ssl_certificate @CERT@;',
    '    ssl_certificate_key @KEY@;',
    '    ssl_session_timeout 1d;',
    '    ssl_session_cache shared:MozSSL:10m;  # about 40000 sessions',
    ...(tickets ? ['    ssl_session_tickets off;'] : []),
    '',
    ...(profile === 'modern'
      ? []
      : ['    # curl https://ssl-config.mozilla.org/ffdhe2048.txt > /path/to/dhparam', '    ssl_dhparam "@DH@";', '']),
    `    # ${profile} configuration`,
    `    ssl_protocols ${protocols};`,
    ...(profile === 'modern' ? [] : [`    ssl_ciphers ${MOZ_CIPHERS[profile]};`]),
    `    ssl_prefer_server_ciphers ${profile === 'old' ? 'on' : 'off'};`,
    '',
    '    # HSTS (ngx_http_headers_module is required) (63072000 seconds)',
    '    add_header Strict-Transport-Security "max-age=63072000" always;',
    '',
    '    # OCSP stapling',
    '    ssl_stapling on;',
    '    ssl_stapling_verify on;',
    '',
    '    # verify chain of trust of OCSP response using Root CA and Intermediate certs',
    '    ssl_trusted_certificate @CERT@;',
    '',
    '    # replace with the IP address of your resolver',
    '    resolver 127.0.0.1;',
  ];
  const redirect = [
    '    listen 80 default_server;',
    '    listen [::]:80 default_server;',
    '',
    '    # redirect all HTTP requests to HTTPS with a 301 Moved Permanently response.',
    '    return 301 https://$host$request_uri;',
  ];
  // The generated text is a snippet of server blocks, included from http as sites are.
  const site = `${header}\nserver {\n${redirect.join('\n')}\n}\n\nserver {\n${tls.join('\n')}\n}\n`;
  return {
    name: `Mozilla's generator: ${profile}, nginx ${version}`,
    ...(http2Directive ? { nginxAtLeast: '1.25.1' } : {}),
    files: {
      'conf/nginx.conf': HEAD + 'events {}\nhttp {\n' + HTTP_TEMP + '  include sites-enabled/*.conf;\n}\n',
      'conf/sites-enabled/mozilla.conf': site,
    },
  };
}

for (const version of ['1.17.7', '1.22.1', '1.25.3', '1.27.3']) {
  for (const profile of ['modern', 'intermediate', 'old'] as const) VALID.push(mozillaCase(profile, version));
}

interface BrokenCase {
  name: string;
  text: string;
  /** nginx and the parser agree on the line (1-based) of the problem. */
  sameLine?: boolean;
  /** A known gap of the parser: reported as a todo, not a failure. */
  todo?: string;
}

const BROKEN: BrokenCase[] = [
  { name: 'an unclosed block', text: 'events {}\nhttp {\n  server {\n    listen 8080;\n  }\n' },
  { name: 'a stray closing brace', text: 'events {}\nhttp {\n  server {}\n}\n}\n', sameLine: true },
  { name: 'a missing ";" before "}"', text: 'events {}\nhttp {\n  server { listen 8080 }\n}\n', sameLine: true },
  { name: 'a missing ";" at the end of the file', text: 'events {}\nworker_processes 1' },
  { name: 'an unterminated double-quoted string', text: 'events {}\nhttp {\n  server {\n    location / {\n      return 200 "x;\n    }\n  }\n}\n' },
  { name: 'an unterminated single-quoted string', text: "events {}\nhttp { add_header X 'abc; }\n}\n" },
  { name: 'a stray ";"', text: 'events {}\n;\n', sameLine: true },
  { name: 'a block without a name', text: 'events {}\n{ }\n', sameLine: true },
  { name: 'a closing quote glued to the next word', text: 'events {}\nhttp { add_header X "a"b; }\n' },
];

describe('nginx -t as an oracle for the parser and includes', { skip }, () => {
  let root = '';
  let cert = '';
  let key = '';
  let dh = '';
  /** The local nginx's version, e.g. [1, 22, 1]. */
  const local = ((): number[] => {
    if (!nginx.path) return [];
    const v = spawnSync(nginx.path, ['-v'], { encoding: 'utf8' });
    return (/nginx\/(\d+)\.(\d+)\.(\d+)/.exec(`${v.stdout}${v.stderr}`)?.slice(1) ?? []).map(Number);
  })();
  const localAtLeast = (want: string): boolean => {
    const w = want.split('.').map(Number);
    for (let i = 0; i < 3; i++) if ((local[i] ?? 0) !== (w[i] ?? 0)) return (local[i] ?? 0) > (w[i] ?? 0);
    return true;
  };
  const modules = { stream: moduleLine('stream'), mail: moduleLine('mail') };

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'tls-lens-nginx-'));
    cert = path.join(root, 'cert.pem');
    key = path.join(root, 'key.pem');
    const r = spawnSync(
      openssl.path!,
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=tls-lens.test'],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    dh = path.join(root, 'dhparam.pem');
    const d = spawnSync(openssl.path!, ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048', '-out', dh], { encoding: 'utf8' });
    assert.equal(d.status, 0, d.stderr);
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function write(prefix: string, files: Record<string, string>): void {
    mkdirSync(path.join(prefix, 'tmp'), { recursive: true });
    for (const [rel, body] of Object.entries(files)) {
      const p = path.join(prefix, rel);
      mkdirSync(path.dirname(p), { recursive: true });
      const text = body
        .replaceAll('@STREAM@', modules.stream ?? '')
        .replaceAll('@MAIL@', modules.mail ?? '')
        .replaceAll('@P@', prefix)
        .replaceAll('@CERT@', cert)
        .replaceAll('@KEY@', key)
        .replaceAll('@DH@', dh);
      writeFileSync(p, text);
    }
  }

  function runNginx(prefix: string, flag: '-t' | '-T'): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(nginx.path!, [flag, '-p', prefix + '/', '-c', 'conf/nginx.conf', '-e', path.join(prefix, 'err.log')], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  VALID.forEach((c, i) => {
    const missing = c.needs && modules[c.needs] === undefined ? `ngx_${c.needs}_module is not available (apt-get install libnginx-mod-${c.needs}); skipped` : undefined;
    test(`accepted: ${c.name}`, { skip: missing }, async (ctx) => {
      const prefix = path.join(root, `valid-${i}`);
      write(prefix, c.files);
      if (c.nginxAtLeast && !localAtLeast(c.nginxAtLeast)) {
        // This nginx is too old to accept it: the parser and loader alone must find nothing.
        const tree = await loadNginxConfig(new NodeHost(), path.join(prefix, 'conf', 'nginx.conf'));
        assert.deepEqual(tree.problems, []);
        assert.ok(tree.files.size > 1, 'the include was read');
        // Without the one directive this nginx lacks, it must accept the rest.
        write(prefix, Object.fromEntries(Object.entries(c.files).map(([k, v]) => [k, v.replace(/^[ \t]*http2 on;\n/gm, '')])));
        const older = runNginx(prefix, '-t');
        assert.equal(older.status, 0, `nginx -t rejected the case without "http2 on":\n${older.stderr}`);
        ctx.diagnostic(`nginx ${local.join('.')} predates ${c.nginxAtLeast}: nginx -t ran without "http2 on"`);
        return;
      }
      const t = runNginx(prefix, '-t');
      assert.equal(t.status, 0, `nginx -t rejected the case:\n${t.stderr}`);

      const host = new NodeHost();
      const entry = path.join(prefix, 'conf', 'nginx.conf');
      const tree = await loadNginxConfig(host, entry);
      assert.deepEqual(tree.problems, [], 'loadNginxConfig reports problems nginx does not');
      for (const [file, src] of tree.files) {
        const own = parseNginx(src.text, new LineIndex(src.text));
        assert.deepEqual(own.problems, [], `parse problems in ${file}`);
      }
      // nginx -T lists every file it read, in order: the same as the loader's.
      const dump = runNginx(prefix, '-T');
      assert.equal(dump.status, 0, dump.stderr);
      const nginxFiles = [...dump.stdout.matchAll(/^# configuration file (.+):$/gm)].map((m) => path.resolve(m[1]!));
      assert.deepEqual([...tree.files.keys()], nginxFiles);
    });
  });

  BROKEN.forEach((c, i) => {
    test(`rejected: ${c.name}`, c.todo ? { todo: c.todo } : {}, () => {
      const prefix = path.join(root, `broken-${i}`);
      write(prefix, { 'conf/nginx.conf': HEAD + c.text });
      const t = runNginx(prefix, '-t');
      assert.notEqual(t.status, 0, 'nginx -t accepted the case');
      const m = /\[emerg\] (unexpected .*?) in .*:(\d+)/.exec(t.stderr);
      assert.ok(m, `nginx failed for another reason than syntax:\n${t.stderr}`);
      const text = HEAD.replaceAll('@P@', prefix) + c.text;
      const cfg = parseNginx(text, new LineIndex(text));
      assert.ok(cfg.problems.length > 0, `the parser accepted what nginx rejects (${m[1]})`);
      if (c.sameLine) {
        const line = Number(m[2]);
        assert.ok(
          cfg.problems.some((p) => p.range.start.line + 1 === line),
          `nginx: line ${line} (${m[1]}); parser: ${cfg.problems.map((p) => `${p.range.start.line + 1} ${p.message}`).join('; ')}`,
        );
      }
    });
  });
});
