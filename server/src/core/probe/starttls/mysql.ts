/**
 * MySQL / MariaDB TLS (MySQL client/server protocol, "Protocol::SSLRequest"): the server's
 * Initial Handshake packet (protocol 10) must carry CLIENT_SSL; the client answers with the
 * 32-byte SSLRequest — a HandshakeResponse cut short after the character set — and TLS starts.
 */
import { printable, type Dialogue } from './dialogue';

const CLIENT_LONG_PASSWORD = 0x1;
const CLIENT_PROTOCOL_41 = 0x200;
const CLIENT_SSL = 0x800;
const CLIENT_SECURE_CONNECTION = 0x8000;
const MAX_GREETING = 16 * 1024;

export interface Greeting {
  protocol: number;
  serverVersion: string;
  capabilities: number;
}

/** Reads the Initial Handshake payload (or throws a message for an ERR packet). */
export function parseGreeting(payload: Buffer): Greeting | { error: string } {
  if (payload[0] === 0xff) {
    const code = payload.length >= 3 ? payload.readUInt16LE(1) : 0;
    const text = payload.subarray(payload[3] === 0x23 ? 9 : 3).toString('utf8');
    return { error: `error ${code}: "${printable(text)}"` };
  }
  const protocol = payload[0] ?? 0;
  const nul = payload.indexOf(0, 1);
  if (nul < 0) return { protocol, serverVersion: '', capabilities: 0 };
  const serverVersion = payload.subarray(1, nul).toString('latin1');
  // connection id (4), auth-plugin-data part 1 (8), filler (1), then the capability flags' lower half.
  const at = nul + 1 + 4 + 8 + 1;
  const low = payload.length >= at + 2 ? payload.readUInt16LE(at) : 0;
  const high = payload.length >= at + 2 + 1 + 2 + 2 ? payload.readUInt16LE(at + 5) : 0;
  return { protocol, serverVersion, capabilities: low | (high << 16) };
}

/** The SSLRequest packet (sequence id 1): flags, max packet size, character set utf8mb4, 23 reserved zero bytes. */
export function sslRequest(sequence: number): Buffer {
  const body = Buffer.alloc(32);
  body.writeUInt32LE((CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_SECURE_CONNECTION) >>> 0, 0);
  body.writeUInt32LE(16 * 1024 * 1024, 4);
  body[8] = 45;
  return Buffer.concat([Buffer.from([32, 0, 0, sequence & 0xff]), body]);
}

export async function mysql(d: Dialogue): Promise<void> {
  const head = await d.bytes(4, 'the server greeting');
  const len = head.readUIntLE(0, 3);
  if (len === 0 || len > MAX_GREETING) throw d.refuse(`the greeting claims ${len} bytes: not a MySQL server?`, 'not-tls');
  const payload = await d.bytes(len, 'the server greeting');
  const g = parseGreeting(payload);
  if ('error' in g) throw d.refuse(`the server refused the connection with ${g.error}`);
  if (g.protocol !== 10) throw d.refuse(`the greeting speaks protocol ${g.protocol}, not 10: not a MySQL server, or too old for TLS`, g.protocol === 9 ? 'starttls' : 'not-tls');
  if (!(g.capabilities & CLIENT_SSL)) throw d.refuse(`the server (${printable(g.serverVersion)}) does not offer TLS (no CLIENT_SSL capability: ssl not configured?)`);
  d.write(sslRequest(head[3]! + 1));
}
