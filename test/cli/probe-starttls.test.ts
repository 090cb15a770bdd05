/**
 * `tls-lens probe` as a process against a real postfix listening on the well-known ports 25
 * and 465 of an address of its own in 127/8 (root, as here and in CI): the protocol chosen by
 * the port and said in the report, `--starttls` and `smtp://` overriding it, and a bad
 * `--client-key` refused with its reason.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTestPki } from '../support/nginxServer';
import { serverSkip, startStarttlsServer, type StarttlsServer } from '../support/starttlsServers';
import { findTool, repoPath } from '../support/tools';

const CLI = repoPath('dist', 'cli.js');
const skip = serverSkip('postfix') ?? false;
const DOMAIN = 'mx.probe.test';
let srv: StarttlsServer;
let dir: string;
let ca: string;

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd: dir });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tls-lens-cli-starttls-'));
  if (skip) return;
  const pki = await makeTestPki();
  const leaf = await pki.leaf({ cn: DOMAIN, dns: [DOMAIN] });
  ca = path.join(dir, 'root.pem');
  writeFileSync(ca, pki.root.certPem);
  let last: unknown;
  // An address of 127/8 nobody else uses, so the well-known ports are free.
  for (let i = 0; i < 5 && !srv; i++) {
    const host = `127.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
    try {
      srv = await startStarttlsServer('postfix', { chainPem: leaf.chainPem, keyPem: leaf.keyPem, domain: DOMAIN }, { host, ports: { smtp: 25, smtps: 465 } });
    } catch (e) {
      last = e;
    }
  }
  if (!srv) throw last;
});
after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('tls-lens probe: the protocol by the well-known port', { skip }, () => {
  test('port 25: SMTP STARTTLS, said in the text report; no HSTS asked', async () => {
    const r = await run(['probe', `${srv.host}:25`, '--sni', DOMAIN, '--ca', ca, '--fail-on', 'never']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Protocol: SMTP STARTTLS \(chosen by the well-known port 25\); HSTS and ALPN are HTTP matters and not asked$/m);
    assert.match(r.stdout, /^Trusted: yes$/m);
    assert.doesNotMatch(r.stdout, /missing-hsts|HEAD \//);
  });

  test('port 465: TLS at once, SMTP inside; JSON says how it was chosen', async () => {
    const r = await run(['probe', `${srv.host}:465`, '--sni', DOMAIN, '--ca', ca, '--format', 'json', '--fail-on', 'never']);
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as { version: number; service: { label: string; application: string; starttls?: string; chosenBy?: string }; errors: unknown[] };
    assert.equal(rep.version, 1);
    assert.deepEqual(rep.service, { label: 'SMTP over TLS', application: 'smtp', chosenBy: 'port' });
    assert.deepEqual(rep.errors, []);
  });

  test('--starttls none on port 25: the SMTP greeting is not TLS, and the JSON error object says so', async () => {
    const r = await run(['probe', `${srv.host}:25`, '--starttls', 'none', '--format', 'json']);
    assert.equal(r.code, 2);
    const rep = JSON.parse(r.stdout) as { error: { code: string; message: string }; service: { label: string; chosenBy?: string } };
    assert.equal(rep.error.code, 'not-tls', rep.error.message);
    assert.match(rep.error.message, /answered with text \("220 mx\.probe\.test ESMTP/);
    assert.deepEqual(rep.service, { label: 'HTTPS', application: 'http', chosenBy: 'option' });
  });

  test('smtp:// and --starttls name the protocol on another port; a wrong name is a usage error', async () => {
    const viaScheme = JSON.parse((await run(['probe', `smtps://${srv.host}:465`, '--sni', DOMAIN, '--ca', ca, '--format', 'json', '--fail-on', 'never'])).stdout) as { service: { chosenBy?: string; label: string } };
    assert.deepEqual(viaScheme.service, { label: 'SMTP over TLS', application: 'smtp', chosenBy: 'option' });
    const wrong = await run(['probe', `${srv.host}:25`, '--starttls', 'gopher']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--starttls must be one of smtp, imap, .*none \(got "gopher"\)/);
  });
});

describe('tls-lens probe --targets: the fleet chooses the protocol per endpoint as one probe does', { skip }, () => {
  test('port 25 by its port, 465 by smtps://, JSON Lines with each service', async () => {
    const list = path.join(dir, 'targets.txt');
    writeFileSync(list, `# two ways into one postfix\n${srv.host}:25 ${DOMAIN}\nsmtps://${srv.host}:465 ${DOMAIN}\n`);
    const r = await run(['probe', '--targets', list, '--ca', ca, '--format', 'json', '--fail-on', 'never', '--deadline', '60000']);
    assert.equal(r.code, 0, r.stderr);
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { endpoint: string; service: { label: string; chosenBy?: string }; errors: unknown[] });
    const by = new Map(recs.map((x) => [x.endpoint.replace(/^.*:/, ''), x]));
    assert.deepEqual(by.get('25')?.service, { label: 'SMTP STARTTLS', application: 'smtp', starttls: 'smtp', chosenBy: 'port' });
    assert.deepEqual(by.get('465')?.service, { label: 'SMTP over TLS', application: 'smtp', chosenBy: 'option' });
    assert.deepEqual(by.get('25')?.errors, []);
  });
});

describe('tls-lens probe --client-key: a key it cannot use is refused with why', () => {
  const sshKeygen = findTool('ssh-keygen', 'openssh-client');
  test('an OpenSSH key and a truncated one', { skip: sshKeygen.skip }, async () => {
    const key = path.join(dir, 'id_ed25519');
    assert.equal(spawnSync(sshKeygen.path!, ['-q', '-t', 'ed25519', '-N', '', '-f', key]).status, 0);
    const cert = path.join(dir, 'client.crt');
    writeFileSync(cert, '-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n');
    const r = await run(['probe', '127.0.0.1:1', '--client-cert', cert, '--client-key', key]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--client-key .*id_ed25519: an OpenSSH private key \(BEGIN OPENSSH PRIVATE KEY at line 1\)/);
    const cut = path.join(dir, 'cut.key');
    writeFileSync(cut, readFileSync(key, 'utf8').split('\n').slice(0, 3).join('\n'));
    assert.match((await run(['probe', '127.0.0.1:1', '--client-cert', cert, '--client-key', cut])).stderr, /truncated: the "OPENSSH PRIVATE KEY" block that begins at line 1 has no END line|OpenSSH private key/);
    assert.doesNotMatch(r.stderr + r.stdout, /b3BlbnNzaC1rZXktdjE/, 'the key is never quoted');
  });
});
