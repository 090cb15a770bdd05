/**
 * Client-initiated renegotiation (RFC 5246 §7.4.1.2; testssl.sh and sslscan test it): a
 * TLS 1.2 connection by node:tls, then `renegotiate()`, which sends a new ClientHello over
 * it. A server that completes the new handshake lets any client make it redo its private-key
 * operation as often as it likes on one connection (a denial of service: CVE-2011-1473), and
 * with insecure renegotiation (no RFC 5746) it is the CVE-2009-3555 injection. Refused: the
 * no_renegotiation alert, a close, or a reset.
 */
import type * as tls from 'node:tls';
import { Budget } from './budget';
import { alpnOffer, openTls, probeSecureContext } from './handshake';
import { ProbeError, type ProbeOptions, type ProbeTarget, type VulnerabilityCheck } from './types';

export async function checkClientRenegotiation(target: ProbeTarget, options: ProbeOptions): Promise<VulnerabilityCheck | undefined> {
  let context: tls.SecureContext;
  try {
    context = probeSecureContext(options, { maxVersion: 'TLSv1.2' });
  } catch {
    return undefined;
  }
  let opened;
  try {
    opened = await openTls(target, options, context, alpnOffer(target));
  } catch (e) {
    if (e instanceof ProbeError && (e.code === 'cancelled' || e.code === 'deadline')) throw e;
    // No TLS ≤ 1.2 (or no second connection): nothing to renegotiate; the scan says why.
    return undefined;
  }
  const s = opened.socket;
  const version = s.getProtocol() ?? 'TLSv1.2';
  const budget = new Budget(options);
  return new Promise<VulnerabilityCheck>((resolve, reject) => {
    let settled = false;
    const done = (r: VulnerabilityCheck | ProbeError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      s.destroy();
      if (r instanceof ProbeError) reject(r);
      else resolve(r);
    };
    const refused = (how: string): void => done({ vulnerable: false, detail: `a client-initiated renegotiation was refused (${how})`, version });
    const timer = setTimeout(
      () =>
        done(
          budget.reached
            ? new ProbeError('deadline', `the deadline passed during the renegotiation check`)
            : { vulnerable: undefined, detail: `the server neither finished nor refused a client-initiated renegotiation within ${options.timeoutMs} ms`, version },
        ),
      budget.timeout(options.timeoutMs),
    );
    const onAbort = (): void => done(new ProbeError('cancelled', 'the probe was cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    s.on('error', (e: NodeJS.ErrnoException) => refused(/no renegotiation/i.test(e.message) ? 'the no_renegotiation alert' : (e.code ?? e.message)));
    s.once('close', () => refused('the server closed the connection'));
    const started = s.renegotiate({ rejectUnauthorized: false }, (err) => {
      if (err) refused(/no renegotiation/i.test(err.message) ? 'the no_renegotiation alert' : err.message);
      else done({ vulnerable: true, detail: `the server completed a renegotiation the client asked for on a ${version} connection`, version });
    });
    if (!started) done({ vulnerable: undefined, detail: 'node:tls could not start a renegotiation on this connection', version });
  });
}
