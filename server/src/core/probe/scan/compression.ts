/**
 * TLS compression (CRIME, CVE-2012-4929): a hello offering DEFLATE (RFC 3749) before null.
 * A server that chooses DEFLATE compresses secrets with attacker-chosen data, and the lengths
 * of the records tell the secret away. TLS 1.3 has no compression (RFC 8446 §4.1.2).
 */
import type { ProtocolVersion, VulnerabilityCheck } from '../types';
import type { Exchange } from './connection';

export const DEFLATE = 1;
/** The methods offered: DEFLATE first, null as the fallback every server has. */
export const COMPRESSION_OFFER: readonly number[] = [DEFLATE, 0];

export function judgeCompression(ex: Exchange, version: ProtocolVersion): VulnerabilityCheck {
  if (ex.kind === 'closed') return { vulnerable: undefined, detail: `the ${version} hello offering DEFLATE was ${ex.reset ? 'reset' : 'closed'} without an answer`, version };
  const h = ex.flight.hello;
  if (!h) return { vulnerable: undefined, detail: `the ${version} hello offering DEFLATE drew the alert ${ex.flight.alert?.name ?? 'unknown'}`, version };
  if (h.compression === DEFLATE) return { vulnerable: true, detail: `offered DEFLATE and null, the server chose DEFLATE for ${version} (CRIME, CVE-2012-4929)`, version };
  return { vulnerable: false, detail: `offered DEFLATE and null, the server chose null (no compression)`, version };
}
