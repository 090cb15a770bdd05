import { ProbeError } from './types';

/** "example.com:443", "[2001:db8::1]:443". */
export function targetLabel(host: string, port: number): string {
  const h = host.replace(/^\[(.*)\]$/, '$1');
  return `${h.includes(':') ? `[${h}]` : h}:${port}`;
}

const NOT_TLS = /wrong version number|packet length too long|http request|unknown protocol|record layer failure|WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST/i;

/** node:tls's error for a TCP FIN during the handshake (not a reset, whatever its code says). */
export function isGracefulClose(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException | undefined;
  return !!err && err.code === 'ECONNRESET' && !err.syscall && /disconnected before secure TLS connection/i.test(err.message ?? '');
}

/** Turns whatever net/tls raised into a ProbeError with a message a person can act on. */
export function toProbeError(e: unknown, where: string): ProbeError {
  if (e instanceof ProbeError) return e;
  const err = e as NodeJS.ErrnoException & { reason?: string };
  const code = err?.code ?? '';
  const msg = err instanceof Error ? err.message : String(e);
  switch (code) {
    case 'ECONNREFUSED':
      return new ProbeError('refused', `${where}: connection refused (nothing listens on that port?)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return new ProbeError('dns', `${where}: the host name does not resolve (${code})`);
    case 'ECONNRESET':
    case 'EPIPE':
      // node:tls reports a FIN before the handshake finished as ECONNRESET without a syscall
      // ("Client network socket disconnected …"); a real RST comes from read/write.
      if (isGracefulClose(err)) return new ProbeError('closed', `${where}: the server closed the connection (no TLS alert) before the TLS handshake finished`);
      return new ProbeError('reset', `${where}: the server reset the connection`);
    case 'ETIMEDOUT':
      return new ProbeError('timeout', `${where}: the connection timed out`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'EAFNOSUPPORT':
      return new ProbeError('refused', `${where}: the address cannot be reached (${code})`);
    case 'ABORT_ERR':
      return new ProbeError('cancelled', `${where}: cancelled`);
  }
  if (NOT_TLS.test(msg) || NOT_TLS.test(code)) return new ProbeError('not-tls', `${where}: the server does not answer with TLS (${err.reason ?? msg})`);
  const reason = err.reason ?? msg;
  if (/certificate required/i.test(reason)) return new ProbeError('protocol', `${where}: the server requires a client certificate (${reason})`);
  return new ProbeError('protocol', `${where}: TLS handshake failed: ${reason}`);
}
