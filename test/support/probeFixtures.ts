/**
 * Real TLS servers for probe tests: a PKI made in memory (root → intermediate → leaves,
 * plus expired, wrong-host and self-signed leaves), an OCSP response made by the real
 * `openssl ocsp` and stapled by nginx via `ssl_stapling_file`, and one nginx process
 * (`daemon off; master_process off;`, private prefix) serving a server block per case on
 * ports of 127.0.0.1 picked at start. The test that starts it stops it, by its PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DAY, makeCert } from './certs';

export type ProbeCase = 'valid' | 'expired' | 'wrongHost' | 'missingIntermediate' | 'withRoot' | 'selfSigned' | 'noHsts' | 'mtls';

export interface ProbeFixtures {
  dir: string;
  /** PEM of the test root CA (pass as extraCaPem). */
  rootPem: string;
  /** The names the valid leaf covers. */
  host: string;
  ports: Record<ProbeCase, number>;
  /** A client certificate (issued by the root) and its key, accepted by the `mtls` server. */
  clientCertPem: string;
  clientKeyPem: string;
  stop(): void;
}

async function keyPem(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, errLog: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${safeRead(errLog)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nginx did not listen on ${port}: ${safeRead(errLog)}`);
}

function safeRead(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

/** Makes the PKI and starts nginx with one server per case. `nginxPath`/`opensslPath` from findTool. */
export async function startProbeServers(nginxPath: string, opensslPath: string): Promise<ProbeFixtures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-probe-'));
  mkdirSync(path.join(dir, 'logs'));
  const now = Date.now();
  const host = 'probe.test';
  const root = await makeCert({ cn: 'TLS Lens Test Root', notBefore: new Date(now - DAY), notAfter: new Date(now + 3650 * DAY), ca: true, key: 'p256' });
  const inter = await makeCert({ cn: 'TLS Lens Test Intermediate', notBefore: new Date(now - DAY), notAfter: new Date(now + 1000 * DAY), ca: true, key: 'p256', issuer: root });
  const leafSpec = { cn: host, dns: [host, `www.${host}`], ips: ['127.0.0.1'], key: 'rsa2048' as const, issuer: inter };
  const valid = await makeCert({ ...leafSpec, notBefore: new Date(now - DAY), notAfter: new Date(now + 200 * DAY) });
  const expired = await makeCert({ ...leafSpec, notBefore: new Date(now - 100 * DAY), notAfter: new Date(now - 2 * DAY) });
  const wrong = await makeCert({ cn: 'other.test', dns: ['other.test'], key: 'p256', issuer: inter, notBefore: new Date(now - DAY), notAfter: new Date(now + 200 * DAY) });
  const self = await makeCert({ cn: host, dns: [host], key: 'p256', notBefore: new Date(now - DAY), notAfter: new Date(now + 200 * DAY) });
  const client = await makeCert({ cn: 'probe client', key: 'p256', issuer: root, notBefore: new Date(now - DAY), notAfter: new Date(now + 200 * DAY) });
  const clientKeyPem = await keyPem(client.keys);
  const w = (name: string, text: string): string => {
    writeFileSync(path.join(dir, name), text.replace(/-----END CERTIFICATE-----(?!\n)/g, '-----END CERTIFICATE-----\n'));
    return name;
  };
  w('root.crt', root.pem);
  w('inter.crt', inter.pem);
  w('inter.key', await keyPem(inter.keys));
  w('valid.crt', valid.pem + inter.pem);
  w('valid-leaf.crt', valid.pem);
  w('valid-root.crt', valid.pem + inter.pem + root.pem);
  w('valid.key', await keyPem(valid.keys));
  w('expired.crt', expired.pem + inter.pem);
  w('expired.key', await keyPem(expired.keys));
  w('wrong.crt', wrong.pem + inter.pem);
  w('wrong.key', await keyPem(wrong.keys));
  w('self.crt', self.pem);
  w('self.key', await keyPem(self.keys));
  // OCSP response for the valid leaf, signed by its issuer (RFC 6960 §4.2.2.2), by the real openssl.
  const serial = valid.cert.serialNumber.toUpperCase();
  const expiry = new Date(now + 200 * DAY).toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  w('index.txt', `V\t${expiry}\t\t${serial.length % 2 ? '0' + serial : serial}\tunknown\t/CN=${host}\n`);
  run(opensslPath, ['ocsp', '-issuer', 'inter.crt', '-cert', 'valid-leaf.crt', '-reqout', 'req.der', '-no_nonce'], dir);
  run(opensslPath, ['ocsp', '-index', 'index.txt', '-rsigner', 'inter.crt', '-rkey', 'inter.key', '-CA', 'inter.crt', '-reqin', 'req.der', '-respout', 'ocsp.der', '-ndays', '2'], dir);

  const cases: ProbeCase[] = ['valid', 'expired', 'wrongHost', 'missingIntermediate', 'withRoot', 'selfSigned', 'noHsts', 'mtls'];
  const ports = {} as Record<ProbeCase, number>;
  for (const c of cases) ports[c] = await freePort();
  const hsts = 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains; preload" always;';
  const server = (port: number, cert: string, key: string, extra: string): string =>
    `    server {\n        listen 127.0.0.1:${port} ssl;\n        server_name ${host};\n        ssl_certificate ${path.join(dir, cert)};\n        ssl_certificate_key ${path.join(dir, key)};\n        ${extra}\n        location / { return 200 "ok\\n"; }\n    }\n`;
  const conf = [
    'daemon off;',
    'master_process off;',
    'worker_processes 1;',
    `pid ${path.join(dir, 'logs', 'nginx.pid')};`,
    `error_log ${path.join(dir, 'logs', 'error.log')} warn;`,
    'events { worker_connections 256; }',
    'http {',
    '    access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${path.join(dir, 'logs', t)};`),
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    server(ports.valid, 'valid.crt', 'valid.key', `${hsts}\n        ssl_stapling on;\n        ssl_stapling_file ${path.join(dir, 'ocsp.der')};`).replace(' ssl;', ' ssl http2;'),
    server(ports.expired, 'expired.crt', 'expired.key', hsts),
    server(ports.wrongHost, 'wrong.crt', 'wrong.key', hsts),
    server(ports.missingIntermediate, 'valid-leaf.crt', 'valid.key', hsts),
    server(ports.withRoot, 'valid-root.crt', 'valid.key', hsts),
    server(ports.selfSigned, 'self.crt', 'self.key', hsts),
    server(ports.noHsts, 'valid.crt', 'valid.key', ''),
    server(ports.mtls, 'valid.crt', 'valid.key', `${hsts}\n        ssl_client_certificate ${path.join(dir, 'root.crt')};\n        ssl_verify_client on;`),
    '}',
    '',
  ].join('\n');
  w('nginx.conf', conf);
  const errLog = path.join(dir, 'logs', 'error.log');
  const child = spawn(nginxPath, ['-p', dir + '/', '-c', path.join(dir, 'nginx.conf'), '-e', errLog], { stdio: 'ignore' });
  try {
    for (const c of cases) await waitForPort(ports[c], child, errLog);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    dir,
    rootPem: root.pem,
    clientCertPem: client.pem,
    clientKeyPem,
    host,
    ports,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
