/**
 * Heartbleed (CVE-2014-0160; RFC 6520 heartbeats): a hello offering the heartbeat extension;
 * when the server negotiates it, a heartbeat request whose payload_length (16) exceeds the
 * payload it carries (none), then a close_notify alert as a fence. RFC 6520 §4 says such a
 * request MUST be discarded silently, so a correct server's next answer is its reaction to
 * the alert; a server that answers with a heartbeat response first read 16 bytes past the
 * request — its own memory. Those bytes are never kept: only the record's type and length.
 */
import { PROTOCOL_CODES, type ProtocolVersion, type VulnerabilityCheck } from '../types';
import { CONTENT, EXT } from './constants';
import type { AfterRecord, Conversation } from './connection';
import type { Flight } from './serverFlight';

/** The over-read asked for: small, so a vulnerable server leaks as little as possible. */
const CLAIMED_PAYLOAD = 16;

function record(type: number, version: number, body: number[]): Uint8Array {
  return Uint8Array.from([type, version >> 8, version & 0xff, body.length >> 8, body.length & 0xff, ...body]);
}

/** The heartbeat request (type 1, claiming 16 payload bytes, carrying none) and a warning close_notify. */
export function heartbleedFollowUp(version: ProtocolVersion): (flight: Flight) => Uint8Array | undefined {
  const v = PROTOCOL_CODES[version];
  return (flight) => {
    if (!flight.hello?.extensions.includes(EXT.heartbeat)) return undefined;
    const hb = record(CONTENT.heartbeat, v, [1, CLAIMED_PAYLOAD >> 8, CLAIMED_PAYLOAD & 0xff]);
    const fence = record(CONTENT.alert, v, [1, 0]);
    const out = new Uint8Array(hb.length + fence.length);
    out.set(hb, 0);
    out.set(fence, hb.length);
    return out;
  };
}

export const heartbleedUntil = (r: AfterRecord): boolean => r.type === CONTENT.heartbeat || r.type === CONTENT.alert;

export function judgeHeartbleed(c: Conversation, version: ProtocolVersion): VulnerabilityCheck {
  if (c.kind === 'closed') return { vulnerable: undefined, detail: `the ${version} hello offering heartbeats was ${c.reset ? 'reset' : 'closed'} without an answer`, version };
  if (c.kind === 'flight') {
    if (c.flight.alert) return { vulnerable: undefined, detail: `the ${version} hello offering heartbeats drew the alert ${c.flight.alert.name}`, version };
    return { vulnerable: false, detail: `the server does not negotiate the heartbeat extension (RFC 6520), so it has no heartbeat to misread`, version };
  }
  const beat = c.after.records.find((r) => r.type === CONTENT.heartbeat);
  if (beat) {
    return { vulnerable: true, detail: `the server answered a heartbeat request claiming ${CLAIMED_PAYLOAD} payload bytes it did not carry with a ${beat.length}-byte heartbeat response: it read past the request into its own memory (CVE-2014-0160); the bytes were not kept`, version };
  }
  if (c.after.end === 'timeout') return { vulnerable: undefined, detail: 'neither a heartbeat response nor an answer to the close_notify that followed it came before the timeout', version };
  return { vulnerable: false, detail: `the heartbeat extension is negotiated, and a heartbeat request longer than its payload was discarded (RFC 6520 §4): the next answer was ${describeEnd(c.after)}`, version };
}

function describeEnd(a: { records: AfterRecord[]; end: string }): string {
  const alert = a.records.find((r) => r.type === CONTENT.alert);
  if (alert) return alert.alert !== undefined ? `alert ${alert.alert}` : 'an alert';
  return a.end === 'reset' ? 'a reset' : 'the close';
}
