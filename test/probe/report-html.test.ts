/** The webview report: strict CSP with the page's nonce, everything escaped, grade and caps shown. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { renderProbeReport } from '../../client/src/probe/html';
import { resolvePolicy } from '../../server/src/core';
import { buildProbeReport } from '../../server/src/core/probe';
import { NOW, TLS13, handshake, leafDer, result, scan } from './results';

let html = '';
before(async () => {
  const r = result({ scan: scan({ TLSv1: [0xc013], 'TLSv1.2': [0xc02f], 'TLSv1.3': TLS13 }), handshake: handshake(await leafDer(), { hsts: { present: true, maxAge: 5, raw: 'max-age=5; <script>alert(1)</script>' } }) });
  html = renderProbeReport(buildProbeReport(r, resolvePolicy(), NOW), 'N0NCE', 'vscode-webview://x');
});

test('CSP allows only the nonce\'d style and script', () => {
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src vscode-webview:\/\/x; style-src 'nonce-N0NCE'; script-src 'nonce-N0NCE';">/);
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.deepEqual(scripts, ['<script nonce="N0NCE">']);
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
});

test('values from the server are escaped', () => {
  assert.doesNotMatch(html, /<script>alert/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test('grade with its cap, findings, suites and the chain', () => {
  assert.match(html, /<span class="grade fair" id="grade">B<\/span>example\.test:443/);
  assert.match(html, /capped at <strong>B<\/strong>: TLS 1\.0 or 1\.1 is accepted/);
  assert.match(html, /<code>probe\/weak-protocol<\/code>/);
  assert.match(html, /<code>TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256<\/code>/);
  assert.match(html, /Certificate 2/);
  assert.match(html, /-----BEGIN CERTIFICATE-----/);
  assert.match(html, /var\(--vscode-foreground\)/);
});

test('the chain as sent and short ClientHellos are shown as in the text report', () => {
  assert.match(html, /Chain as sent<\/th><td>2 certificates, from the TLS 1\.2 Certificate message<|Chain as sent.{0,40}2 certificates/);
  assert.doesNotMatch(html, /Short ClientHellos/, 'no fallback, no row');
});

test('a scan that fell back to short ClientHellos says so', async () => {
  const shortHellos = { versions: ['TLSv1.2' as const], maxSuites: 32, reason: 'connection reset' };
  const r = result({ scan: scan({ 'TLSv1.2': [0xc02f] }, { shortHellos }), handshake: handshake(await leafDer()) });
  const page = renderProbeReport(buildProbeReport(r, resolvePolicy(), NOW), 'N0NCE', 'vscode-webview://x');
  assert.match(page, /Short ClientHellos.*the full offer was refused \(connection reset\); TLSv1\.2 scanned with at most 32 suites per hello/);
});

test('the new facts: protocol, checks, signature algorithms, preferred suite, certificates by key type, what the deadline cut', async () => {
  const rsa = await leafDer();
  const ec = await leafDer({ key: 'p256' });
  const s = scan({ 'TLSv1.2': [0xc030, 0xc02f], 'TLSv1.3': TLS13 }, {
    checks: { heartbleed: { vulnerable: true, detail: 'answered <b>', version: 'TLSv1.2' }, compression: { vulnerable: false, detail: 'null chosen', version: 'TLSv1.2' } },
    notReached: ['groups: 3 of 23 hellos not sent'],
  });
  const v12 = s.versions.find((v) => v.version === 'TLSv1.2')!;
  v12.serverOrder = true;
  v12.signatureAlgorithms = [0x0401, 0x0804];
  const r = result({
    scan: s,
    handshake: handshake(rsa, {
      clientRenegotiation: { vulnerable: false, detail: 'refused', version: 'TLSv1.2' },
      servedCertificates: [
        { keyType: 'RSA', versions: ['TLSv1.3'], chainDer: rsa, trusted: true, hostnameMatches: true },
        { keyType: 'ECDSA', versions: ['TLSv1.3', 'TLSv1.2'], chainDer: ec, trusted: false, trustError: 'CERT_HAS_EXPIRED', hostnameMatches: true },
      ],
    }),
  });
  r.target = { host: 'mail.example.test', port: 25, starttls: 'smtp', application: 'smtp', protocolChosenBy: 'port' };
  r.notReached = s.notReached;
  r.deadlineMs = 2000;
  const page = renderProbeReport(buildProbeReport(r, resolvePolicy(), NOW), 'N0NCE', 'vscode-webview://x');
  assert.match(page, /<th scope="row">Protocol<\/th><td>SMTP STARTTLS \(chosen by the well-known port 25\)/);
  assert.match(page, /<th scope="row">Heartbleed<\/th><td class="bad">VULNERABLE — answered &lt;b&gt;<\/td>/);
  assert.match(page, /<th scope="row">TLS compression<\/th><td>not vulnerable \(null chosen\)/);
  assert.match(page, /<th scope="row">Client-initiated renegotiation<\/th><td>not vulnerable \(refused\)/);
  assert.match(page, /server order \(most preferred first\)<\/td><td><code>TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384<\/code> <span class="sub">\(preferred\)<\/span>/);
  assert.match(page, /signature algorithms: rsa_pkcs1_sha256, rsa_pss_rsae_sha256/);
  assert.match(page, /<h2>Certificates by key type<\/h2>.*<li>RSA \(TLSv1\.3\): the certificate shown above<\/li><li>ECDSA \(TLSv1\.3, TLSv1\.2\): CN=example\.test, SHA-256 .*NOT trusted — a certificate in the chain has expired/s);
  assert.match(page, /<h3>ECDSA certificate<\/h3>/);
  assert.match(page, /<th scope="row">Not reached<\/th><td>the deadline of 2000 ms passed before groups: 3 of 23 hellos not sent/);
});
