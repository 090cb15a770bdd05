/** Constructed ProbeResults for verdict and grade tests: certificates made in memory, suites by IANA code. */
import { DAY, makeCert, type KeyKind } from '../support/certs';
import type { HandshakeResult, ProbeResult, ScanResult, VersionScan } from '../../server/src/core/probe/types';

export const NOW = new Date('2026-06-01T12:00:00Z');

export const TLS13 = [0x1301, 0x1302, 0x1303];
export const ECDHE_GCM = [0xc02f, 0xc030];

export async function leafDer(opts: { dns?: string[]; notBefore?: Date; notAfter?: Date; key?: KeyKind; selfSigned?: boolean } = {}): Promise<Uint8Array[]> {
  const ca = await makeCert({ cn: 'Test CA', notBefore: new Date(NOW.getTime() - 400 * DAY), notAfter: new Date(NOW.getTime() + 4000 * DAY), ca: true });
  const leaf = await makeCert({
    cn: 'example.test',
    dns: opts.dns ?? ['example.test'],
    key: opts.key ?? 'rsa2048',
    notBefore: opts.notBefore ?? new Date(NOW.getTime() - 10 * DAY),
    notAfter: opts.notAfter ?? new Date(NOW.getTime() + 200 * DAY),
    ...(opts.selfSigned ? {} : { issuer: ca }),
  });
  return opts.selfSigned ? [new Uint8Array(leaf.cert.rawData)] : [new Uint8Array(leaf.cert.rawData), new Uint8Array(ca.cert.rawData)];
}

export function scan(versions: Partial<Record<VersionScan['version'], number[]>>, extra: Partial<ScanResult> = {}): ScanResult {
  const all: VersionScan['version'][] = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  return {
    versions: all.map((v) => ({ version: v, accepted: versions[v] !== undefined, suites: versions[v] ?? [] })),
    groups: ['x25519', 'secp256r1'],
    chainDer: [],
    secureRenegotiation: true,
    ...extra,
  };
}

export function handshake(chainDer: Uint8Array[], extra: Partial<HandshakeResult> = {}): HandshakeResult {
  return {
    protocol: 'TLSv1.3',
    cipher: { name: 'TLS_AES_256_GCM_SHA384', standardName: 'TLS_AES_256_GCM_SHA384' },
    alpn: 'h2',
    chainDer,
    trusted: true,
    hostnameMatches: true,
    ocsp: { stapled: true, status: 'good', thisUpdate: NOW.toISOString(), nextUpdate: new Date(NOW.getTime() + DAY).toISOString() },
    resumption: { ticket: true, resumed: true },
    timing: { connectMs: 1, tlsMs: 3 },
    hsts: { present: true, maxAge: 63072000, includeSubDomains: true, preload: false, raw: 'max-age=63072000; includeSubDomains' },
    ...extra,
  };
}

export function result(parts: { scan?: ScanResult; handshake?: HandshakeResult; errors?: ProbeResult['errors']; sni?: string }): ProbeResult {
  const r: ProbeResult = { target: { host: 'example.test', port: 443 }, startedAt: NOW.toISOString(), durationMs: 10, errors: parts.errors ?? [] };
  if (parts.sni) r.target.sni = parts.sni;
  if (parts.scan) r.scan = parts.scan;
  if (parts.handshake) r.handshake = parts.handshake;
  return r;
}
