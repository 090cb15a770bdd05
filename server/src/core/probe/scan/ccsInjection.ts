/**
 * The CCS injection (CVE-2014-0224, OpenSSL before 0.9.8za, 1.0.0m and 1.0.1h): after the
 * server's flight, a ChangeCipherSpec before any key exchange, then a second one. A correct
 * server refuses the first at once with unexpected_message (RFC 5246 §7.1: ChangeCipherSpec
 * comes after the key exchange). A vulnerable one accepts it and switches to keys made from
 * an empty master secret, so the next record fails to decrypt: bad_record_mac or
 * decryption_failed. Nothing is decrypted or kept on our side.
 */
import { PROTOCOL_CODES, type ProtocolVersion, type VulnerabilityCheck } from '../types';
import { ALERTS, CONTENT } from './constants';
import type { AfterRecord, Conversation } from './connection';
import type { Flight } from './serverFlight';

const UNEXPECTED_MESSAGE = 10;
const BAD_RECORD_MAC = 20;
const DECRYPTION_FAILED = 21;
const HANDSHAKE_FAILURE = 40;

export function ccsFollowUp(version: ProtocolVersion): (flight: Flight) => Uint8Array | undefined {
  const v = PROTOCOL_CODES[version];
  const ccs = [CONTENT.changeCipherSpec, v >> 8, v & 0xff, 0, 1, 1];
  return (flight) => (flight.hello ? Uint8Array.from([...ccs, ...ccs]) : undefined);
}

/** Stop at the first alert (or anything else the server sends). */
export const ccsUntil = (_r: AfterRecord): boolean => true;

export function judgeCcsInjection(c: Conversation, version: ProtocolVersion): VulnerabilityCheck {
  if (c.kind !== 'after') return { vulnerable: undefined, detail: `the ${version} hello for the check was not answered with a full flight`, version };
  const r = c.after.records[0];
  const name = (d: number): string => ALERTS[d] ?? `alert ${d}`;
  if (r?.type === CONTENT.alert && r.alert !== undefined) {
    if (r.alert === UNEXPECTED_MESSAGE || r.alert === HANDSHAKE_FAILURE) return { vulnerable: false, detail: `an early ChangeCipherSpec was refused at once with ${name(r.alert)}`, version };
    if (r.alert === BAD_RECORD_MAC || r.alert === DECRYPTION_FAILED) {
      return { vulnerable: true, detail: `the server took a ChangeCipherSpec before any key exchange, then failed to decrypt the next record (${name(r.alert)}): it switched to keys an attacker in the middle can know (CVE-2014-0224)`, version };
    }
    return { vulnerable: false, detail: `an early ChangeCipherSpec drew the alert ${name(r.alert)}`, version };
  }
  if (r?.type === CONTENT.alert) return { vulnerable: undefined, detail: 'an early ChangeCipherSpec drew an alert that cannot be read (encrypted?)', version };
  if (r) return { vulnerable: undefined, detail: `an early ChangeCipherSpec was answered with a record of content type ${r.type}`, version };
  if (c.after.end === 'timeout') return { vulnerable: undefined, detail: 'an early ChangeCipherSpec was not answered before the timeout', version };
  return { vulnerable: false, detail: `an early ChangeCipherSpec ended the connection (${c.after.end === 'reset' ? 'a reset' : 'a close'}) without being taken`, version };
}
