/** Name Constraints extensions (RFC 5280 §4.2.1.10) for in-memory certificates, DER written by hand. */
import { isIP } from 'node:net';
import { x509 } from './certs-extra';

function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups: string[] = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

/** One GeneralName as a subtree base: `DNS:…`, `email:…`, `URI:…`, `IP:addr/prefix`, `DirName:CN=…`. */
function base(name: string): Buffer {
  const i = name.indexOf(':');
  const type = name.slice(0, i);
  const value = name.slice(i + 1);
  switch (type) {
    case 'DNS':
      return tlv(0x82, Buffer.from(value, 'latin1'));
    case 'email':
      return tlv(0x81, Buffer.from(value, 'latin1'));
    case 'URI':
      return tlv(0x86, Buffer.from(value, 'latin1'));
    case 'IP': {
      const [addr = '', prefix = '0'] = value.split('/');
      const a = ipBytes(addr);
      const mask = Buffer.alloc(a.length);
      for (let b = 0; b < Number(prefix); b++) mask[b >> 3]! |= 0x80 >> (b & 7);
      return tlv(0x87, a, mask);
    }
    case 'DirName': {
      // Only CN=… here: SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String } } }.
      const cn = value.replace(/^CN=/, '');
      return tlv(0xa4, tlv(0x30, tlv(0x31, tlv(0x30, Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]), tlv(0x0c, Buffer.from(cn, 'utf8'))))));
    }
    default:
      throw new Error(`unknown name type ${type}`);
  }
}

/** The DER of a NameConstraints value. */
export function nameConstraintsDer(spec: { permitted?: string[]; excluded?: string[] }): Buffer {
  const parts: Buffer[] = [];
  if (spec.permitted?.length) parts.push(tlv(0xa0, ...spec.permitted.map((n) => tlv(0x30, base(n)))));
  if (spec.excluded?.length) parts.push(tlv(0xa1, ...spec.excluded.map((n) => tlv(0x30, base(n)))));
  return tlv(0x30, ...parts);
}

/** A Name Constraints extension for `makeRaw`/`makeCert`-style generators. */
export function nameConstraintsExtension(spec: { permitted?: string[]; excluded?: string[] }, critical = true): x509.Extension {
  return new x509.Extension('2.5.29.30', critical, new Uint8Array(nameConstraintsDer(spec)));
}

/** A CA's basicConstraints for `makeRaw`. */
export function caExtension(): x509.Extension {
  return new x509.BasicConstraintsExtension(true, undefined, true);
}
