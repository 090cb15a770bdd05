/**
 * The full handshake with node:tls: what the raw scanner cannot see (the TLS 1.3 chain is
 * encrypted) or should not judge by itself. One connection for the chain, trust, hostname,
 * ALPN, the OCSP staple and an HTTP HEAD for HSTS; a second one offers the session the
 * first received, to see whether the server resumes it. Every socket is destroyed on every
 * path; every failure is a ProbeError.
 */
import { X509Certificate, createHash } from 'node:crypto';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import * as tls from 'node:tls';
import { Budget } from './budget';
import { parseHsts } from './hsts';
import { parseOcspStaple } from './ocsp';
import { isGracefulClose, targetLabel, toProbeError } from './errors';
import { upgradeSocket, type Upgrading } from './starttls';
import { ProbeError, type HandshakeResult, type ProbeOptions, type ProbeResult, type ProbeTarget } from './types';

/** What the client offers in ALPN (RFC 7301), most preferred first, to an HTTPS server. */
export const ALPN_OFFER = ['h2', 'http/1.1'];

/** Whether HTTP runs inside TLS (the default): only then is ALPN offered and `HEAD /` asked. */
export function speaksHttp(target: ProbeTarget): boolean {
  return !target.application || target.application === 'http';
}

/** ALPN for the target: h2 and http/1.1 to HTTPS, nothing to a mail, directory or database server. */
export function alpnOffer(target: ProbeTarget): string[] {
  return speaksHttp(target) ? ALPN_OFFER : [];
}

export interface HandshakeOutcome {
  handshake: HandshakeResult;
  /** The address connected to. */
  address?: string;
  /** Parts after the handshake that failed (HTTP, resumption); the handshake result still stands. */
  errors: ProbeResult['errors'];
  /** Parts the deadline kept from running. */
  notReached?: string[];
}

function bare(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** The name sent in SNI: never an IP literal (RFC 6066 §3). */
export function sniName(target: ProbeTarget): string | undefined {
  const n = bare(target.sni ?? target.host);
  return net.isIP(n) ? undefined : n;
}

/** The name the certificate must cover: the SNI override, else the host as typed. */
export function verifiedName(target: ProbeTarget): string {
  return bare(target.sni ?? target.host);
}

/** Node's verification error codes (OpenSSL's X509_V_ERR names) in words. */
const TRUST_ERRORS: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the chain is incomplete: the leaf\'s issuer was neither sent nor trusted (missing intermediate?)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the chain does not lead to a trusted root (missing intermediate or an unknown CA)',
  UNABLE_TO_GET_ISSUER_CERT: 'an issuer certificate in the chain could not be found',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a self-signed root that is not trusted',
  CERT_HAS_EXPIRED: 'a certificate in the chain has expired',
  CERT_NOT_YET_VALID: 'a certificate in the chain is not yet valid',
  CERT_SIGNATURE_FAILURE: 'a signature in the chain does not verify',
  CERT_REVOKED: 'a certificate in the chain is revoked',
  INVALID_CA: 'an intermediate is not a valid CA certificate',
  CERT_UNTRUSTED: 'the root is not trusted for this purpose',
  CA_KEY_TOO_SMALL: 'a CA key is too small',
  EE_KEY_TOO_SMALL: 'the leaf key is too small',
  CA_MD_TOO_WEAK: 'a signature uses a too weak digest',
};

export function describeTrustError(code: string): string {
  return TRUST_ERRORS[code] ? `${TRUST_ERRORS[code]} (${code})` : code;
}

export interface Opened {
  socket: tls.TLSSocket;
  connectMs: number;
  tlsMs: number;
  ocsp?: Buffer;
  /** The latest session the server gave (TLS 1.3 tickets arrive after the handshake). */
  state: { session?: Buffer };
  address?: string;
}

/** The last context made, by what made it: a language server probing again reuses it. */
const cachedContexts = new Map<string, tls.SecureContext>();

/**
 * One secure context per probe. OpenSSL reaches TLS 1.0/1.1 and small keys only at security
 * level 0; BoringSSL (Electron) rejects `@SECLEVEL`, so the plain defaults are its fallback.
 * An extra CA is added to a copy of Node's root store (`addCACert`, what `createSecureContext`
 * itself calls): passing `ca: [...tls.rootCertificates, extra]` would parse ~140 roots again.
 */
export function probeSecureContext(
  options: Pick<ProbeOptions, 'extraCaPem' | 'clientCertPem' | 'clientKeyPem'>,
  variant: Pick<tls.SecureContextOptions, 'minVersion' | 'maxVersion' | 'sigalgs' | 'ciphers'> = {},
): tls.SecureContext {
  const key = createHash('sha256')
    .update(JSON.stringify([options.extraCaPem ?? '', options.clientCertPem ?? '', options.clientKeyPem ?? '', variant.minVersion ?? '', variant.maxVersion ?? '', variant.sigalgs ?? '', variant.ciphers ?? '']))
    .digest('hex');
  const hit = cachedContexts.get(key);
  if (hit) return hit;
  const { ciphers, ...rest } = variant;
  const base: tls.SecureContextOptions = { minVersion: 'TLSv1', ...rest };
  if (options.clientCertPem || options.clientKeyPem) {
    if (!options.clientCertPem || !options.clientKeyPem) throw new ProbeError('protocol', 'a client certificate needs both the certificate and its key');
    base.cert = options.clientCertPem;
    base.key = options.clientKeyPem;
  }
  let context: tls.SecureContext;
  try {
    context = createContext(base, options.extraCaPem, `${ciphers ?? tls.DEFAULT_CIPHERS}:@SECLEVEL=0`);
  } catch {
    try {
      context = createContext(base, options.extraCaPem, ciphers);
    } catch (e) {
      // The message is OpenSSL's reason (e.g. "key values mismatch"), never the key itself.
      const reason = (e as { reason?: string }).reason ?? (e instanceof Error ? e.message : String(e));
      throw new ProbeError('protocol', `the client certificate, key or CA cannot be used: ${reason}`);
    }
  }
  // A few variants per probe (the main one, TLS 1.2 for renegotiation, one per key type): keep the last eight.
  if (cachedContexts.size >= 8) cachedContexts.delete(cachedContexts.keys().next().value as string);
  cachedContexts.set(key, context);
  return context;
}

function createContext(base: tls.SecureContextOptions, extraCaPem: string | undefined, ciphers: string | undefined): tls.SecureContext {
  const opts = ciphers ? { ...base, ciphers } : base;
  if (!extraCaPem) return tls.createSecureContext(opts);
  const ctx = tls.createSecureContext(opts);
  const native = (ctx as unknown as { context?: { addCACert?: (pem: string) => void } }).context;
  if (typeof native?.addCACert === 'function') {
    native.addCACert(extraCaPem);
    return ctx;
  }
  return tls.createSecureContext({ ...opts, ca: [...tls.rootCertificates, extraCaPem] });
}

/** Connects and completes a TLS handshake, within the timeout and the abort signal. */
export function openTls(target: ProbeTarget, options: ProbeOptions, context: tls.SecureContext, alpn: string[], session?: Buffer): Promise<Opened> {
  const where = targetLabel(target.host, target.port);
  return new Promise<Opened>((resolve, reject) => {
    const started = performance.now();
    let connectAt = started;
    let ocsp: Buffer | undefined;
    const state: Opened['state'] = {};
    let settled = false;
    let tlsSocket: tls.TLSSocket | undefined;
    const connectOpts: net.NetConnectOpts = { host: target.connectTo ?? bare(target.host), port: target.port };
    if (target.family) connectOpts.family = target.family;
    const raw = net.connect(connectOpts);
    const cleanup = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      const answered = raw.bytesRead;
      tlsSocket?.destroy();
      raw.destroy();
      if (isGracefulClose(e) || (e instanceof ProbeError && e.code === 'closed')) {
        reject(new ProbeError('closed', `${where}: the server closed the connection (a TCP FIN, no TLS alert) ${answered ? `after ${answered} byte(s) of its answer` : 'without answering'}, before the TLS handshake finished`));
        return;
      }
      reject(toProbeError(e, where));
    };
    const budget = new Budget(options);
    const timer = setTimeout(
      () => {
        const what = connectAt === started ? 'TCP connect' : upgrading ? upgrading.describe() : 'TLS';
        fail(
          budget.reached
            ? new ProbeError('deadline', `${where}: the deadline of ${budget.ms} ms passed before the TLS handshake finished (${what} did not finish)`)
            : new ProbeError('timeout', `${where}: no TLS handshake within ${options.timeoutMs} ms (${what} did not finish)`),
        );
      },
      budget.timeout(options.timeoutMs),
    );
    const onAbort = (): void => fail(new ProbeError('cancelled', `${where}: the probe was cancelled`));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    /** The upgrade before TLS (STARTTLS) while it runs: a timeout says where it stopped. */
    let upgrading: Upgrading | undefined;
    raw.on('error', (e) => {
      if (!upgrading) fail(e);
    });
    raw.once('connect', () => {
      connectAt = performance.now();
      if (!target.starttls) {
        startTls();
        return;
      }
      const sni = sniName(target) ?? bare(target.sni ?? target.host);
      upgrading = upgradeSocket(raw, target.starttls, { serverName: net.isIP(sni) ? undefined : sni });
      upgrading.done.then(
        (rest) => {
          upgrading = undefined;
          if (settled) return;
          // Bytes the server sent past its go-ahead belong to the TLS layer (which will reject them).
          if (rest.length) raw.unshift(rest);
          startTls();
        },
        (e: unknown) => fail(e),
      );
    });
    const startTls = (): void => {
      // requestOCSP is a documented tls.connect option that @types/node lacks.
      const opts: tls.ConnectionOptions & { requestOCSP: boolean } = {
        socket: raw,
        secureContext: context,
        ...(alpn.length ? { ALPNProtocols: alpn } : {}),
        requestOCSP: true,
        rejectUnauthorized: false,
        // Trust and hostname are judged separately: authorizationError then holds only the chain's verdict.
        checkServerIdentity: () => undefined,
      };
      const sni = sniName(target);
      if (sni) opts.servername = sni;
      if (session) opts.session = session;
      const s = tls.connect(opts);
      tlsSocket = s;
      s.on('OCSPResponse', (b: Buffer) => {
        ocsp = b;
      });
      s.on('session', (b: Buffer) => {
        state.session = b;
      });
      s.on('error', fail);
      s.once('close', () => fail(new ProbeError('closed', `${where}: the server closed the connection during the TLS handshake`)));
      s.once('secureConnect', () => {
        if (settled) return;
        settled = true;
        cleanup();
        const done = performance.now();
        const out: Opened = { socket: s, connectMs: round(connectAt - started), tlsMs: round(done - connectAt), state };
        if (ocsp) out.ocsp = ocsp;
        if (raw.remoteAddress) out.address = raw.remoteAddress;
        resolve(out);
      });
    };
    if (options.signal?.aborted) onAbort();
  });
}

/**
 * After `destroy()`: resolves once the socket's file descriptor is closed, so the server sees
 * this connection end before the probe opens another (`concurrency` bounds what it sees).
 */
function socketClosed(s: tls.TLSSocket): Promise<void> {
  return s.closed ? Promise.resolve() : new Promise<void>((r) => s.once('close', () => r()));
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Base64 DER of the certificates in a PEM text. */
function pemBodies(pem: string): string[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => m[1]!.replace(/\s+/g, ''));
}

let nodeRoots: Set<string> | undefined;

/** The certificates of the probe's trust store (Node's roots and the extra CA), as base64 DER. */
function storeCertificates(extraCaPem: string | undefined): Set<string> {
  nodeRoots ??= new Set(tls.rootCertificates.flatMap(pemBodies));
  if (!extraCaPem) return nodeRoots;
  return new Set([...nodeRoots, ...pemBodies(extraCaPem)]);
}

/**
 * The chain from `getPeerCertificate(true)`'s `.raw` fields (never getPeerX509Certificate:
 * nodejs/node#65579), split in two. Node follows `issuerCertificate` through what the server
 * sent, then — when that does not end in a self-signed certificate — appends issuers from the
 * client's own trust store up to a root (src/crypto/crypto_common.cc, GetLastIssuedCert).
 * Certificates at the end of the chain that Node could have added (`isStoreAddition`) are
 * taken as Node's additions (`fromStore`), not as sent; the leaf always counts as sent. A root the server itself sends
 * is told apart only by the raw scanner's TLS ≤ 1.2 Certificate message (facts.ts, liveChain).
 */
export function peerChain(socket: tls.TLSSocket, extraCaPem?: string): { sent: Uint8Array[]; fromStore: Uint8Array[] } {
  const out: Uint8Array[] = [];
  const seen = new Set<string>();
  let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(new Uint8Array(c.raw));
    if (!c.issuerCertificate || c.issuerCertificate === c) break;
    c = c.issuerCertificate;
  }
  if (out.length < 2) return { sent: out, fromStore: [] };
  const store = storeCertificates(extraCaPem);
  let end = out.length;
  while (end > 1 && isStoreAddition(out[end - 1]!, store)) end--;
  return { sent: out.slice(0, end), fromStore: out.slice(end) };
}

/**
 * Whether a certificate at the end of Node's chain is taken as Node's addition: one of Node's
 * own roots, or a self-issued certificate of the extra CA file. An intermediate of the extra CA
 * file counts as sent: the server may well send the same certificate, and dropping it would
 * call a complete chain incomplete (the opposite mistake — a chain the server left short,
 * completed from the CA file — is the lesser one; the raw scan reads TLS ≤ 1.2 chains exactly).
 */
function isStoreAddition(der: Uint8Array, store: Set<string>): boolean {
  const b64 = Buffer.from(der).toString('base64');
  if (!store.has(b64)) return false;
  if (nodeRoots?.has(b64)) return true;
  try {
    const x = new X509Certificate(der);
    return x.subject === x.issuer;
  } catch {
    return false;
  }
}

/** The leaf's serial number in hex, by node:crypto (fast; the full decode happens later, for the report). */
function leafSerial(der: Uint8Array | undefined): string | undefined {
  if (!der) return undefined;
  try {
    return new X509Certificate(der).serialNumber;
  } catch {
    return undefined;
  }
}

/** The Host header / :authority for the target. */
function authority(target: ProbeTarget): string {
  const name = target.sni ?? target.host;
  const label = targetLabel(name, target.port);
  return target.port === 443 ? label.slice(0, label.lastIndexOf(':')) : label;
}

/** `HEAD /` over the open TLS connection; the response headers (lower-case names), or undefined when the server does not speak HTTP. */
function httpHead(opened: Opened, target: ProbeTarget, options: ProbeOptions): Promise<Map<string, string> | undefined> {
  const socket = opened.socket;
  const where = targetLabel(target.host, target.port);
  return new Promise((resolve, reject) => {
    let settled = false;
    let h2: http2.ClientHttp2Session | undefined;
    const finish = (err: unknown, headers?: Map<string, string>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      h2?.destroy();
      if (err) reject(toProbeError(err, `${where} HTTP HEAD`));
      else resolve(headers);
    };
    const budget = new Budget(options);
    const timer = setTimeout(
      () => finish(budget.reached ? new ProbeError('deadline', `${where}: the deadline of ${budget.ms} ms passed before HEAD / was answered`) : new ProbeError('timeout', `${where}: no HTTP answer within ${options.timeoutMs} ms`)),
      budget.timeout(options.timeoutMs),
    );
    const onAbort = (): void => finish(new ProbeError('cancelled', `${where}: the probe was cancelled`));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (socket.alpnProtocol === 'h2') {
      h2 = http2.connect(`https://${authority(target)}`, { createConnection: () => socket });
      h2.on('error', (e) => finish(e));
      const req = h2.request({ ':method': 'HEAD', ':path': '/', 'user-agent': 'tls-lens' }, { endStream: true });
      req.on('error', (e) => finish(e));
      req.on('response', (headers) => {
        const map = new Map<string, string>([[':status', String(headers[':status'] ?? '')]]);
        for (const [k, v] of Object.entries(headers)) {
          if (v === undefined || k.startsWith(':')) continue;
          // RFC 6797 §8.1: only the first STS header counts.
          map.set(k.toLowerCase(), Array.isArray(v) ? String(v[0]) : String(v));
        }
        finish(undefined, map);
      });
      return;
    }
    let buf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end >= 0 || buf.length > 65536) parse(end >= 0 ? buf.slice(0, end) : buf);
    };
    const parse = (head: string): void => {
      const lines = head.split('\r\n');
      const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(lines[0] ?? '');
      if (!status) return finish(undefined, undefined);
      const map = new Map<string, string>([[':status', status[1]!]]);
      for (const line of lines.slice(1)) {
        const i = line.indexOf(':');
        if (i <= 0) continue;
        const k = line.slice(0, i).trim().toLowerCase();
        if (!map.has(k)) map.set(k, line.slice(i + 1).trim());
      }
      finish(undefined, map);
    };
    socket.on('data', onData);
    socket.on('error', (e) => finish(e));
    socket.once('end', () => (buf ? parse(buf.split('\r\n\r\n')[0]!) : finish(undefined, undefined)));
    socket.write(`HEAD / HTTP/1.1\r\nHost: ${authority(target)}\r\nUser-Agent: tls-lens\r\nAccept: */*\r\nConnection: close\r\n\r\n`);
  });
}

/** The chain an open connection got, its trust and whether it covers the name to verify. */
export function servedChain(s: tls.TLSSocket, target: ProbeTarget, options: Pick<ProbeOptions, 'extraCaPem'>): Pick<HandshakeResult, 'chainDer' | 'storeIssuersDer' | 'trusted' | 'trustError' | 'hostnameMatches' | 'hostnameError'> {
  const { sent: chainDer, fromStore } = peerChain(s, options.extraCaPem);
  const peer = s.getPeerCertificate(true);
  const identityError = peer && peer.raw ? tls.checkServerIdentity(verifiedName(target), peer) : new Error('the server sent no certificate');
  const out: ReturnType<typeof servedChain> = { chainDer, trusted: s.authorized, hostnameMatches: identityError === undefined };
  if (fromStore.length) out.storeIssuersDer = fromStore;
  if (!s.authorized && s.authorizationError) out.trustError = String(s.authorizationError);
  if (identityError) out.hostnameError = identityError.message;
  return out;
}

/** HSTS and the status from `HEAD /` on the open connection; what fails lands in `errors`. */
async function askHttp(opened: Opened, target: ProbeTarget, options: ProbeOptions, handshake: HandshakeResult, errors: ProbeResult['errors'], notReached: string[]): Promise<void> {
  try {
    const headers = await httpHead(opened, target, options);
    if (headers) {
      handshake.hsts = parseHsts(headers.get('strict-transport-security'));
      const status = Number(headers.get(':status'));
      if (status) handshake.httpStatus = status;
      // nginx answers 400 when a required client certificate is missing (ssl_verify_client on).
      if (status === 400 && !options.clientCertPem) {
        errors.push({ phase: 'http', message: 'HEAD / was answered 400 Bad Request: if the server requires a client certificate, give one (--client-cert and --client-key)' });
      }
    } else errors.push({ phase: 'http', message: 'the server did not answer HEAD / with HTTP; HSTS not checked' });
  } catch (e) {
    if (e instanceof ProbeError && e.code === 'cancelled') throw e;
    if (e instanceof ProbeError && e.code === 'deadline') notReached.push('HSTS (HEAD /)');
    errors.push({ phase: 'http', message: e instanceof Error ? e.message : String(e) });
  }
}

/** Waits up to `ms` for a session (a TLS 1.3 ticket) to arrive on an open socket. */
function awaitSession(opened: Opened, ms: number): Promise<void> {
  if (opened.state.session || opened.socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      opened.socket.off('session', done);
      opened.socket.off('close', done);
      resolve();
    }
    opened.socket.once('session', done);
    opened.socket.once('close', done);
  });
}

/**
 * The full handshake. Rejects with a ProbeError when no TLS session can be established
 * (refused, timeout, not TLS, a handshake alert); later parts that fail land in `errors`.
 */
export async function fullHandshake(target: ProbeTarget, options: ProbeOptions, context = probeSecureContext(options)): Promise<HandshakeOutcome> {
  const errors: ProbeResult['errors'] = [];
  const notReached: string[] = [];
  const opened = await openTls(target, options, context, alpnOffer(target));
  const s = opened.socket;
  let handshake: HandshakeResult;
  try {
    const cipher = s.getCipher();
    const served = servedChain(s, target, options);
    const chainDer = served.chainDer;
    handshake = {
      protocol: s.getProtocol() ?? 'unknown',
      cipher: cipher.standardName ? { name: cipher.name, standardName: cipher.standardName } : { name: cipher.name },
      ...served,
      timing: { connectMs: opened.connectMs, tlsMs: opened.tlsMs },
    };
    if (s.alpnProtocol) handshake.alpn = s.alpnProtocol;
    handshake.ocsp = opened.ocsp ? parseOcspStaple(opened.ocsp, leafSerial(chainDer[0])) : { stapled: false };
    const ticketBefore = !!opened.state.session;
    if (speaksHttp(target)) await askHttp(opened, target, options, handshake, errors, notReached);
    // TLS 1.3 tickets follow the handshake; the HEAD exchange normally brings them in.
    if (!opened.state.session && !s.destroyed) await awaitSession(opened, Math.min(200, options.timeoutMs));
    handshake.resumption = { ticket: ticketBefore || !!opened.state.session || !!s.getTLSTicket(), resumed: false };
  } finally {
    s.destroy();
  }
  await socketClosed(s);
  const session = opened.state.session ?? s.getSession();
  if (session && new Budget(options).reached) notReached.push('resumption');
  else if (session) {
    try {
      const again = await openTls(target, options, context, alpnOffer(target), session);
      handshake.resumption.resumed = again.socket.isSessionReused();
      again.socket.destroy();
      await socketClosed(again.socket);
    } catch (e) {
      if (e instanceof ProbeError && e.code === 'cancelled') throw e;
      if (e instanceof ProbeError && e.code === 'deadline') notReached.push('resumption');
      else errors.push({ phase: 'resumption', message: e instanceof Error ? e.message : String(e) });
    }
  }
  const out: HandshakeOutcome = { handshake, errors };
  if (notReached.length) out.notReached = notReached;
  if (opened.address) out.address = opened.address;
  return out;
}
