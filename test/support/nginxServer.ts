/**
 * Real nginx TLS servers for probe tests: a private prefix, 127.0.0.1 on a port picked
 * here, `daemon off; master_process off;`, started and stopped by the test itself, and a
 * test PKI (root CA → intermediate → leaves) made in memory with @peculiar/x509.
 *
 *   const pki = await makeTestPki();
 *   const leaf = await pki.leaf({ cn: 'a.test', dns: ['a.test'] });
 *   const srv = await startNginx({ certChainPem: leaf.chainPem, keyPem: leaf.keyPem,
 *                                  tls: 'ssl_protocols TLSv1.2 TLSv1.3;' });
 *   … srv.port …
 *   await srv.stop();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate, webcrypto } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DAY, makeCert, type KeyKind } from './certs';

export interface NginxServerBlock {
  /** Leaf first, then intermediates (what nginx sends). */
  certChainPem: string;
  keyPem: string;
  /** `server_name` (default `_`). */
  serverName?: string;
  /** TLS directives for the server block, e.g. `ssl_protocols TLSv1.2; ssl_ciphers HIGH;`. */
  tls?: string;
  /** Other directives inside `server` (add_header …). Default: `location / { return 200 "ok\n"; }`. */
  body?: string;
  /** `listen … default_server`. The first block is the default unless another says so. */
  defaultServer?: boolean;
  /** Listen on a port of its own (`NginxServer.ports[i]`) instead of the shared one. */
  ownPort?: boolean;
  /** `listen … ssl http2`. */
  http2?: boolean;
  /** More `ssl_certificate` / `ssl_certificate_key` pairs (an ECDSA one beside the RSA one: nginx picks by what the client offers). */
  moreCertificates?: { certChainPem: string; keyPem: string }[];
}

export interface NginxSpec extends Partial<NginxServerBlock> {
  /** Several server blocks on the same port (SNI); otherwise the top-level fields make one. */
  servers?: NginxServerBlock[];
  /** Directives at http level (e.g. `ssl_session_tickets off;`). */
  http?: string;
  /** Extra files written into the prefix's conf/ directory (dhparam, stapling file …), name → content. */
  files?: Record<string, string | Uint8Array>;
  /** Host to listen on (default 127.0.0.1). */
  host?: string;
  /** `worker_connections` (default 256; each listening port takes one). */
  workerConnections?: number;
}

export interface NginxServer {
  host: string;
  /** The shared port (that of the first server block). */
  port: number;
  /** Each server block's port, in order. */
  ports: number[];
  /** The private prefix (conf/, logs/). */
  prefix: string;
  /** The nginx.conf as written. */
  config: string;
  /** Contents of the error log so far. */
  errorLog(): string;
  /** Stops nginx (SIGTERM, then SIGKILL) and removes the prefix. Safe to call twice. */
  stop(): Promise<void>;
}

/** A free TCP port on the host right now (nginx may still lose a race: startNginx retries). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function serverBlock(b: NginxServerBlock, i: number, host: string, port: number, isDefault: boolean): string {
  return `    server {
        listen ${host}:${port} ssl${b.http2 ? ' http2' : ''}${isDefault ? ' default_server' : ''};
        server_name ${b.serverName ?? '_'};
        ssl_certificate site${i}.crt;
        ssl_certificate_key site${i}.key;
${(b.moreCertificates ?? []).map((_, j) => `        ssl_certificate site${i}-${j + 1}.crt;\n        ssl_certificate_key site${i}-${j + 1}.key;\n`).join('')}        ${b.tls ?? ''}
        ${b.body ?? 'location / { return 200 "ok\\n"; }'}
    }
`;
}

function nginxConfig(spec: NginxSpec, blocks: NginxServerBlock[], host: string, ports: number[]): string {
  const defaultIndex = Math.max(0, blocks.findIndex((b) => b.defaultServer && !b.ownPort));
  return `daemon off;
master_process off;
worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log info;
events { worker_connections ${spec.workerConnections ?? 256}; }
http {
    access_log off;
    client_body_temp_path logs/client;
    proxy_temp_path logs/proxy;
    fastcgi_temp_path logs/fastcgi;
    uwsgi_temp_path logs/uwsgi;
    scgi_temp_path logs/scgi;
    ${spec.http ?? ''}
${blocks.map((b, i) => serverBlock(b, i, host, ports[i]!, b.ownPort || i === defaultIndex)).join('')}}
`;
}

/** Whether something accepts a TCP connection on host:port right now. */
export function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** Waits until `child` (nginx, or another server a test starts) accepts connections on host:port. */
export async function waitListening(host: string, port: number, child: ChildProcess, deadline: number, what = 'nginx'): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode})`);
    if (await isListening(host, port)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${host}:${port} within 10 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Starts nginx (the binary at `nginxPath`, usually from `findTool('nginx')`) with one or more
 * TLS server blocks. Throws with nginx's error log when it does not start.
 */
export async function startNginx(nginxPath: string, spec: NginxSpec): Promise<NginxServer> {
  const host = spec.host ?? '127.0.0.1';
  const blocks: NginxServerBlock[] = spec.servers ?? [
    {
      certChainPem: spec.certChainPem ?? '',
      keyPem: spec.keyPem ?? '',
      serverName: spec.serverName,
      tls: spec.tls,
      body: spec.body,
      http2: spec.http2,
      ...(spec.moreCertificates ? { moreCertificates: spec.moreCertificates } : {}),
    },
  ];
  if (blocks.some((b) => !b.certChainPem || !b.keyPem)) throw new Error('startNginx: every server needs certChainPem and keyPem');
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-nginx-'));
  mkdirSync(path.join(prefix, 'conf'));
  mkdirSync(path.join(prefix, 'logs'));
  blocks.forEach((b, i) => {
    writeFileSync(path.join(prefix, 'conf', `site${i}.crt`), b.certChainPem);
    writeFileSync(path.join(prefix, 'conf', `site${i}.key`), b.keyPem, { mode: 0o600 });
    (b.moreCertificates ?? []).forEach((c, j) => {
      writeFileSync(path.join(prefix, 'conf', `site${i}-${j + 1}.crt`), c.certChainPem);
      writeFileSync(path.join(prefix, 'conf', `site${i}-${j + 1}.key`), c.keyPem, { mode: 0o600 });
    });
  });
  for (const [name, content] of Object.entries(spec.files ?? {})) writeFileSync(path.join(prefix, 'conf', name), content);
  const errorLogPath = path.join(prefix, 'logs', 'error.log');
  const errorLog = (): string => {
    try {
      return readFileSync(errorLogPath, 'utf8');
    } catch {
      return '';
    }
  };

  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort(host);
    const ports: number[] = [];
    for (const b of blocks) {
      if (!b.ownPort || ports.length === 0) {
        ports.push(port);
        continue;
      }
      // Ports free now, and each a different one (the system may hand out a port twice).
      let own = await freePort(host);
      while (ports.includes(own)) own = await freePort(host);
      ports.push(own);
    }
    const config = nginxConfig(spec, blocks, host, ports);
    writeFileSync(path.join(prefix, 'conf', 'nginx.conf'), config);
    const child = spawn(nginxPath, ['-p', prefix + '/', '-c', 'conf/nginx.conf', '-e', errorLogPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', () => undefined);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      for (const p of new Set(ports)) await waitListening(host, p, child, Date.now() + 10_000);
    } catch (e) {
      child.kill('SIGKILL');
      await exited;
      lastError = new Error(`${(e as Error).message}\n${stderr}\n${errorLog()}\n--- nginx.conf ---\n${config}`);
      if (/Address already in use/.test(stderr + errorLog())) continue;
      break;
    }
    let stopped = false;
    return {
      host,
      port,
      ports,
      prefix,
      config,
      errorLog,
      async stop() {
        if (stopped) return;
        stopped = true;
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(prefix, { recursive: true, force: true });
      },
    };
  }
  rmSync(prefix, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error('nginx did not start');
}

// ---------------------------------------------------------------------------------------
// A test PKI: root CA → intermediate CA → leaves, all in memory.

export interface PemCert {
  /** The certificate alone. */
  certPem: string;
  /** PKCS#8 private key. */
  keyPem: string;
  /** Leaf + intermediate (what a server should send). For CAs, the certificate alone. */
  chainPem: string;
}

export interface LeafSpec {
  cn: string;
  dns?: string[];
  ips?: string[];
  key?: KeyKind;
  /** Validity relative to now, in days (default -1 … +30). */
  notBeforeDays?: number;
  notAfterDays?: number;
  /** Sign with the root directly (chain = leaf only) instead of the intermediate. */
  byRoot?: boolean;
  /** Self-signed (no CA at all). */
  selfSigned?: boolean;
}

export interface TestPki {
  root: PemCert;
  intermediate: PemCert;
  leaf(spec: LeafSpec): Promise<PemCert>;
}

/** PKCS#8 PEM of a WebCrypto private key. */
export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END PRIVATE KEY-----\n`;
}

/** Makes a root CA and an intermediate (RSA 2048 unless told), and a leaf factory. */
export async function makeTestPki(caKey: KeyKind = 'rsa2048'): Promise<TestPki> {
  const now = Date.now();
  const root = await makeCert({ cn: 'TLS Lens Test Root', ca: true, key: caKey, notBefore: new Date(now - 2 * DAY), notAfter: new Date(now + 365 * DAY) });
  const inter = await makeCert({
    cn: 'TLS Lens Test Intermediate',
    ca: true,
    key: caKey,
    issuer: { cert: root.cert, keys: root.keys },
    notBefore: new Date(now - 2 * DAY),
    notAfter: new Date(now + 365 * DAY),
  });
  const rootPem: PemCert = { certPem: root.pem, keyPem: await privateKeyPem(root.keys.privateKey), chainPem: root.pem };
  const interPem: PemCert = { certPem: inter.pem, keyPem: await privateKeyPem(inter.keys.privateKey), chainPem: inter.pem };
  return {
    root: rootPem,
    intermediate: interPem,
    async leaf(spec: LeafSpec): Promise<PemCert> {
      const issuer = spec.selfSigned ? undefined : spec.byRoot ? root : inter;
      const made = await makeCert({
        cn: spec.cn,
        dns: spec.dns,
        ips: spec.ips,
        key: spec.key ?? 'rsa2048',
        issuer: issuer ? { cert: issuer.cert, keys: issuer.keys } : undefined,
        notBefore: new Date(now + (spec.notBeforeDays ?? -1) * DAY),
        notAfter: new Date(now + (spec.notAfterDays ?? 30) * DAY),
      });
      const certPem = made.pem.endsWith('\n') ? made.pem : made.pem + '\n';
      const chainPem = issuer === inter ? certPem + (inter.pem.endsWith('\n') ? inter.pem : inter.pem + '\n') : certPem;
      return { certPem, keyPem: await privateKeyPem(made.keys.privateKey), chainPem };
    },
  };
}

// ---------------------------------------------------------------------------------------
// Diffie-Hellman parameters for `ssl_dhparam` without running openssl.

/** RFC 2409 §6.2, Second Oakley Group (1024-bit MODP), generator 2. */
const OAKLEY_GROUP_2 =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF';

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
function derInteger(hex: string): Buffer {
  let body = Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
  if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return Buffer.concat([Buffer.from([0x02]), derLength(body.length), body]);
}

/** PEM `DH PARAMETERS` (PKCS#3) of the 1024-bit Oakley group 2: weak on purpose, for DHE-1024 fixtures. */
export function dhParams1024Pem(): string {
  return dhParamsPem(OAKLEY_GROUP_2);
}

/** RFC 7919 Appendix A.1, ffdhe2048, generator 2. */
const FFDHE2048 =
  'FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617AD3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797ABC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F619172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005C58EF1837D1683B2C6F34A26C1B2EFFA886B423861285C97FFFFFFFFFFFFFFFF';

function dhParamsPem(primeHex: string): string {
  const body = Buffer.concat([derInteger(primeHex), derInteger('02')]);
  const der = Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN DH PARAMETERS-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END DH PARAMETERS-----\n`;
}

/** PEM `DH PARAMETERS` of RFC 7919's ffdhe2048 (what a server's DHE suites should use). */
export function dhParams2048Pem(): string {
  return dhParamsPem(FFDHE2048);
}

// ---------------------------------------------------------------------------------------
// Named fixtures shared by the probe tests and bench/probe.mjs.

export type NginxFixtureName = 'modern' | 'legacy' | 'dhe1024' | 'static-rsa' | 'ecdsa';

export interface NginxFixture {
  name: NginxFixtureName;
  /** What it serves, for test names and reports. */
  description: string;
  serverName: string;
  spec: NginxSpec;
  leaf: PemCert;
}

/**
 * The probe fixtures: each a server block on its own port with a leaf from `pki`
 * (RSA 2048 unless ECDSA) issued by the intermediate, sent with it.
 */
export async function nginxFixture(pki: TestPki, name: NginxFixtureName): Promise<NginxFixture> {
  const serverName = `${name}.probe.test`;
  const leaf = await pki.leaf({ cn: serverName, dns: [serverName], ips: ['127.0.0.1'], key: name === 'ecdsa' ? 'p256' : 'rsa2048' });
  const base = { certChainPem: leaf.chainPem, keyPem: leaf.keyPem, serverName };
  const table: Record<NginxFixtureName, { description: string; spec: NginxSpec }> = {
    modern: { description: 'TLS 1.2 + 1.3, nginx default ciphers', spec: { ...base, tls: 'ssl_protocols TLSv1.2 TLSv1.3;' } },
    legacy: {
      description: 'TLS 1.0 to 1.2 with @SECLEVEL=0, server order',
      spec: { ...base, tls: 'ssl_protocols TLSv1 TLSv1.1 TLSv1.2; ssl_ciphers "DEFAULT:@SECLEVEL=0"; ssl_prefer_server_ciphers on;' },
    },
    dhe1024: {
      description: 'DHE with a 1024-bit group (ssl_dhparam), TLS 1.2',
      spec: {
        ...base,
        files: { 'dh1024.pem': dhParams1024Pem() },
        tls: 'ssl_protocols TLSv1.2; ssl_ciphers "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0"; ssl_dhparam dh1024.pem;',
      },
    },
    'static-rsa': {
      description: 'static RSA key exchange only, TLS 1.2, server order',
      spec: { ...base, tls: 'ssl_protocols TLSv1.2; ssl_ciphers "AES128-SHA:AES256-GCM-SHA384:AES128-GCM-SHA256"; ssl_prefer_server_ciphers on;' },
    },
    ecdsa: { description: 'ECDSA P-256 certificate, TLS 1.2 + 1.3', spec: { ...base, tls: 'ssl_protocols TLSv1.2 TLSv1.3; ssl_ecdh_curve X25519:prime256v1:secp384r1;' } },
  };
  return { name, serverName, leaf, ...table[name] };
}

export const NGINX_FIXTURES: readonly NginxFixtureName[] = ['modern', 'legacy', 'dhe1024', 'static-rsa', 'ecdsa'];

// ---------------------------------------------------------------------------------------
// The probe servers: one nginx, a server block per case, each on its own port.

export type ProbeCase = 'valid' | 'expired' | 'wrongHost' | 'missingIntermediate' | 'withRoot' | 'selfSigned' | 'noHsts' | 'mtls';

export interface ProbeFixtures {
  /** The nginx prefix (a private directory the test may write into; removed by `stop`). */
  dir: string;
  /** PEM of the test root CA (pass as extraCaPem). */
  rootPem: string;
  /** The names the valid leaf covers. */
  host: string;
  ports: Record<ProbeCase, number>;
  /** The valid leaf with its intermediate, and its key (for servers a test starts itself). */
  validChainPem: string;
  validKeyPem: string;
  /** A client certificate (issued by the root) and its key, accepted by the `mtls` server. */
  clientCertPem: string;
  clientKeyPem: string;
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

/**
 * The test PKI (P-256 CAs; RSA 2048 leaves for `probe.test`, plus expired, wrong-host and
 * self-signed leaves), an OCSP response for the valid leaf made by the real `openssl ocsp`
 * and stapled by nginx (`ssl_stapling_file`), and one nginx serving a server block per case,
 * each on its own port of 127.0.0.1. `nginxPath`/`opensslPath` from findTool.
 */
export async function startProbeServers(nginxPath: string, opensslPath: string): Promise<ProbeFixtures> {
  const host = 'probe.test';
  const pki = await makeTestPki('p256');
  const leafSpec = { cn: host, dns: [host, `www.${host}`], ips: ['127.0.0.1'], key: 'rsa2048' as const };
  const valid = await pki.leaf({ ...leafSpec, notAfterDays: 200 });
  const expired = await pki.leaf({ ...leafSpec, notBeforeDays: -100, notAfterDays: -2 });
  const wrong = await pki.leaf({ cn: 'other.test', dns: ['other.test'], key: 'p256', notAfterDays: 200 });
  const self = await pki.leaf({ cn: host, dns: [host], key: 'p256', selfSigned: true, notAfterDays: 200 });
  const client = await pki.leaf({ cn: 'probe client', key: 'p256', byRoot: true, notAfterDays: 200 });

  // OCSP response for the valid leaf, signed by its issuer (RFC 6960 §4.2.2.2), by the real openssl.
  const work = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-ocsp-'));
  let ocsp: Buffer;
  try {
    writeFileSync(path.join(work, 'inter.crt'), pki.intermediate.certPem);
    writeFileSync(path.join(work, 'inter.key'), pki.intermediate.keyPem, { mode: 0o600 });
    writeFileSync(path.join(work, 'leaf.crt'), valid.certPem);
    const serial = new X509Certificate(valid.certPem).serialNumber.toUpperCase();
    const expiry = new Date(Date.now() + 200 * DAY).toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
    writeFileSync(path.join(work, 'index.txt'), `V\t${expiry}\t\t${serial.length % 2 ? '0' + serial : serial}\tunknown\t/CN=${host}\n`);
    run(opensslPath, ['ocsp', '-issuer', 'inter.crt', '-cert', 'leaf.crt', '-reqout', 'req.der', '-no_nonce'], work);
    run(opensslPath, ['ocsp', '-index', 'index.txt', '-rsigner', 'inter.crt', '-rkey', 'inter.key', '-CA', 'inter.crt', '-reqin', 'req.der', '-respout', 'ocsp.der', '-ndays', '2'], work);
    ocsp = readFileSync(path.join(work, 'ocsp.der'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const hsts = 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains; preload" always;';
  const ok = 'location / { return 200 "ok\\n"; }';
  const block = (c: ProbeCase, leaf: PemCert, chainPem: string, extra = hsts): [ProbeCase, NginxServerBlock] => [
    c,
    { certChainPem: chainPem, keyPem: leaf.keyPem, serverName: host, ownPort: true, body: `${extra}\n        ${ok}` },
  ];
  const cases: [ProbeCase, NginxServerBlock][] = [
    block('valid', valid, valid.chainPem, `${hsts}\n        ssl_stapling on;\n        ssl_stapling_file ocsp.der;`),
    block('expired', expired, expired.chainPem),
    block('wrongHost', wrong, wrong.chainPem),
    block('missingIntermediate', valid, valid.certPem),
    block('withRoot', valid, valid.chainPem + pki.root.certPem),
    block('selfSigned', self, self.chainPem),
    block('noHsts', valid, valid.chainPem, ''),
    block('mtls', valid, valid.chainPem, `${hsts}\n        ssl_client_certificate root.crt;\n        ssl_verify_client on;`),
  ];
  cases[0]![1].http2 = true;
  const server = await startNginx(nginxPath, {
    servers: cases.map(([, b]) => b),
    http: 'ssl_protocols TLSv1.2 TLSv1.3;',
    files: { 'ocsp.der': ocsp, 'root.crt': pki.root.certPem },
  });
  const ports = {} as Record<ProbeCase, number>;
  cases.forEach(([c], i) => (ports[c] = server.ports[i]!));
  return {
    dir: server.prefix,
    rootPem: pki.root.certPem,
    host,
    ports,
    validChainPem: valid.chainPem,
    validKeyPem: valid.keyPem,
    clientCertPem: client.certPem,
    clientKeyPem: client.keyPem,
    stop: () => server.stop(),
  };
}
