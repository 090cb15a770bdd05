// OpenSSL 3.0 cipher-string semantics (what `openssl ciphers -V STRING` prints), for TLS <= 1.2.
//
// TLS 1.3 suites are NOT modelled here: OpenSSL takes them from the separate "ciphersuites"
// setting and always prepends them (default DEFAULT_TLS13_CIPHERSUITES) whatever the cipher
// string says; `suites` holds only the suites the cipher string selects.
//
// The model, written from OpenSSL's documented behaviour and checked against the binary
// (test/unit/cipher-evaluator.test.ts):
// - All suites OpenSSL offers sit in one list, in its built-in preference order (`local.rank`,
//   derived by scripts/gen-cipher-table.mjs), all inactive.
// - A string starting with SUITEB128ONLY / SUITEB128C2 / SUITEB128 / SUITEB192 is replaced as a
//   whole by the Suite B suites. One starting with DEFAULT first applies
//   "ALL:!COMPLEMENTOFDEFAULT:!eNULL", then the rest after those 7 characters (and one ':').
//   DEFAULT anywhere else is an unknown word.
// - Items are separated by ':', ',', ' ' or ';'. An item is an optional prefix ('!' kill for good,
//   '-' deactivate, '+' move to the end, '@' command, none = add) and words joined by '+';
//   a word is [A-Za-z0-9.=-]+. Any other character where a word must start makes the whole
//   string invalid (OpenSSL: "invalid command"). After an applied item, parsing continues right
//   there, so "HIGH!MD5" is "HIGH:!MD5"; after an unknown word, the rest of the item is skipped.
// - A word is a suite's OpenSSL name (exact case; IANA names are not accepted by 3.0) or an alias.
//   Words joined by '+' intersect per category (key exchange, authentication, encryption, MAC,
//   strength class, protocol); an empty intersection makes the item a no-op.
// - add: inactive matches become active and move to the end (in list order); '-': active
//   matches become inactive and move to the front (they are preferred by a later add); '+':
//   active matches move to the end; '!': matches leave the list for good.
// - @STRENGTH: active suites are stably sorted by key bits, strongest first (inactive ones stay
//   in front). @SECLEVEL=n (n a single digit 0..5) sets the security level; anything else after
//   '@' invalidates the string.
// - The result is the active suites in list order; none at all is OpenSSL's "no cipher match".
// - The security level does not change that list (`openssl ciphers -V`); it decides which of
//   its suites a handshake may use (`usable`, as `openssl ciphers -s` does, apart from PSK/SRP
//   needing callbacks there).
import { CIPHER_SUITES } from './table';
import { type CipherSuite } from './types';

export { type CipherSuite } from './types';

/** OpenSSL 3.0's default TLS 1.3 ciphersuites, always offered before the cipher string's suites. */
export const DEFAULT_TLS13_CIPHERSUITES = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'] as const;

/** The security level OpenSSL uses when the string has no @SECLEVEL (Debian's build: 2). */
export const DEFAULT_SECURITY_LEVEL = 2;

export interface CipherStringProblem {
  message: string;
  offset: number;
  length: number;
  /**
   * syntax: OpenSSL rejects the whole string; unknown: a word OpenSSL ignores;
   * no-match: a known word that selects nothing here; empty: the result is empty (rejected).
   */
  kind: 'syntax' | 'unknown' | 'no-match' | 'empty';
}

export interface CipherStringResult {
  /** The TLS <= 1.2 suites in OpenSSL's order; empty when OpenSSL rejects the string. */
  suites: CipherSuite[];
  problems: CipherStringProblem[];
  /** False when OpenSSL would reject the string (syntax error, or no suite selected). */
  valid: boolean;
  /** The effective security level (@SECLEVEL, else the given default). */
  securityLevel: number;
  /** The suites of `suites` the security level lets a handshake use. */
  usable: CipherSuite[];
}

// ---------------------------------------------------------------------------------------------
// Categories as bit masks (this module's own numbering).

const K = { RSA: 1, DHE: 2, ECDHE: 4, PSK: 8, RSAPSK: 16, DHEPSK: 32, ECDHEPSK: 64, SRP: 128, GOST: 256, GOST18: 512 };
const A = { RSA: 1, DSS: 2, NULL: 4, ECDSA: 8, PSK: 16, SRP: 32, GOST01: 64, GOST12: 128 };
const E = {
  AES128: 1, AES256: 2, AES128GCM: 4, AES256GCM: 8, AES128CCM: 16, AES256CCM: 32, AES128CCM8: 64, AES256CCM8: 128,
  CHACHA20: 256, CAMELLIA128: 512, CAMELLIA256: 1024, ARIA128GCM: 2048, ARIA256GCM: 4096, NULL: 8192,
  DES: 1 << 14, TDES: 1 << 15, RC4: 1 << 16, RC2: 1 << 17, IDEA: 1 << 18, SEED: 1 << 19, GOST89: 1 << 20, GOST2012: 1 << 21,
};
const M = { MD5: 1, SHA1: 2, SHA256: 4, SHA384: 8, AEAD: 16, GOST94: 32, GOST89MAC: 64, GOST12: 128 };
/** Strength classes; like OpenSSL, FIPS is one more class bit, so HIGH+FIPS is empty. */
const S = { NONE: 1, LOW: 2, MEDIUM: 4, HIGH: 8, FIPS: 16 };
const V = { SSLv3: 0x300, TLSv1: 0x301, 'TLSv1.2': 0x303 } as Record<string, number>;

const ALL_ENC = (1 << 22) - 1;
const ALL_AUTH = (1 << 8) - 1;
const AES = E.AES128 | E.AES256 | E.AES128GCM | E.AES256GCM | E.AES128CCM | E.AES256CCM | E.AES128CCM8 | E.AES256CCM8;

/** A selection pattern: 0 in a category = any. */
interface Pattern {
  mkey: number;
  auth: number;
  enc: number;
  mac: number;
  strength: number;
  notDefault: boolean;
  minTls: number;
  /** Index of an explicit suite (its name was given), else -1. */
  suite: number;
}

const NONE_PATTERN: Pattern = { mkey: 0, auth: 0, enc: 0, mac: 0, strength: 0, notDefault: false, minTls: 0, suite: -1 };

function alias(p: Partial<Pattern>): Pattern {
  return { ...NONE_PATTERN, ...p };
}

/** OpenSSL 3.0's aliases (ssl_ciph.c's alias table, re-expressed in this module's bits). */
const ALIASES: ReadonlyMap<string, Pattern> = new Map<string, Pattern>([
  ['ALL', alias({ enc: ALL_ENC & ~E.NULL })],
  ['COMPLEMENTOFALL', alias({ enc: E.NULL })],
  ['COMPLEMENTOFDEFAULT', alias({ notDefault: true })],
  // key exchange
  ['kRSA', alias({ mkey: K.RSA })],
  ['kEDH', alias({ mkey: K.DHE })],
  ['kDHE', alias({ mkey: K.DHE })],
  ['DH', alias({ mkey: K.DHE })],
  ['kEECDH', alias({ mkey: K.ECDHE })],
  ['kECDHE', alias({ mkey: K.ECDHE })],
  ['ECDH', alias({ mkey: K.ECDHE })],
  ['kPSK', alias({ mkey: K.PSK })],
  ['kRSAPSK', alias({ mkey: K.RSAPSK })],
  ['kECDHEPSK', alias({ mkey: K.ECDHEPSK })],
  ['kDHEPSK', alias({ mkey: K.DHEPSK })],
  ['kSRP', alias({ mkey: K.SRP })],
  ['kGOST', alias({ mkey: K.GOST })],
  ['kGOST18', alias({ mkey: K.GOST18 })],
  // authentication
  ['aRSA', alias({ auth: A.RSA })],
  ['aDSS', alias({ auth: A.DSS })],
  ['DSS', alias({ auth: A.DSS })],
  ['aNULL', alias({ auth: A.NULL })],
  ['aECDSA', alias({ auth: A.ECDSA })],
  ['ECDSA', alias({ auth: A.ECDSA })],
  ['aPSK', alias({ auth: A.PSK })],
  ['aGOST01', alias({ auth: A.GOST01 })],
  ['aGOST12', alias({ auth: A.GOST12 })],
  ['aGOST', alias({ auth: A.GOST01 | A.GOST12 })],
  ['aSRP', alias({ auth: A.SRP })],
  // combined
  ['EDH', alias({ mkey: K.DHE, auth: ALL_AUTH & ~A.NULL })],
  ['DHE', alias({ mkey: K.DHE, auth: ALL_AUTH & ~A.NULL })],
  ['EECDH', alias({ mkey: K.ECDHE, auth: ALL_AUTH & ~A.NULL })],
  ['ECDHE', alias({ mkey: K.ECDHE, auth: ALL_AUTH & ~A.NULL })],
  ['NULL', alias({ enc: E.NULL })],
  ['RSA', alias({ mkey: K.RSA })],
  ['ADH', alias({ mkey: K.DHE, auth: A.NULL })],
  ['AECDH', alias({ mkey: K.ECDHE, auth: A.NULL })],
  ['PSK', alias({ mkey: K.PSK | K.RSAPSK | K.ECDHEPSK | K.DHEPSK })],
  ['SRP', alias({ mkey: K.SRP })],
  // encryption
  ['DES', alias({ enc: E.DES })],
  ['3DES', alias({ enc: E.TDES })],
  ['RC4', alias({ enc: E.RC4 })],
  ['RC2', alias({ enc: E.RC2 })],
  ['IDEA', alias({ enc: E.IDEA })],
  ['SEED', alias({ enc: E.SEED })],
  ['eNULL', alias({ enc: E.NULL })],
  ['GOST89', alias({ enc: E.GOST89 | E.GOST2012 })],
  ['AES128', alias({ enc: E.AES128 | E.AES128GCM | E.AES128CCM | E.AES128CCM8 })],
  ['AES256', alias({ enc: E.AES256 | E.AES256GCM | E.AES256CCM | E.AES256CCM8 })],
  ['AES', alias({ enc: AES })],
  ['AESGCM', alias({ enc: E.AES128GCM | E.AES256GCM })],
  ['AESCCM', alias({ enc: E.AES128CCM | E.AES256CCM | E.AES128CCM8 | E.AES256CCM8 })],
  ['AESCCM8', alias({ enc: E.AES128CCM8 | E.AES256CCM8 })],
  ['CAMELLIA128', alias({ enc: E.CAMELLIA128 })],
  ['CAMELLIA256', alias({ enc: E.CAMELLIA256 })],
  ['CAMELLIA', alias({ enc: E.CAMELLIA128 | E.CAMELLIA256 })],
  ['CHACHA20', alias({ enc: E.CHACHA20 })],
  ['GOST2012', alias({ enc: E.GOST2012 })],
  ['ARIA', alias({ enc: E.ARIA128GCM | E.ARIA256GCM })],
  ['ARIAGCM', alias({ enc: E.ARIA128GCM | E.ARIA256GCM })],
  ['ARIA128', alias({ enc: E.ARIA128GCM })],
  ['ARIA256', alias({ enc: E.ARIA256GCM })],
  ['CBC', alias({ enc: E.DES | E.TDES | E.RC2 | E.IDEA | E.AES128 | E.AES256 | E.CAMELLIA128 | E.CAMELLIA256 | E.SEED })],
  // MAC
  ['MD5', alias({ mac: M.MD5 })],
  ['SHA1', alias({ mac: M.SHA1 })],
  ['SHA', alias({ mac: M.SHA1 })],
  ['GOST94', alias({ mac: M.GOST94 })],
  ['GOST89MAC', alias({ mac: M.GOST89MAC })],
  ['SHA256', alias({ mac: M.SHA256 })],
  ['SHA384', alias({ mac: M.SHA384 })],
  ['GOST12', alias({ mac: M.GOST12 })],
  // protocol (the suite's minimum version, matched exactly)
  ['SSLv3', alias({ minTls: 0x300 })],
  ['TLSv1', alias({ minTls: 0x301 })],
  ['TLSv1.0', alias({ minTls: 0x301 })],
  ['TLSv1.2', alias({ minTls: 0x303 })],
  // strength
  ['LOW', alias({ strength: S.LOW })],
  ['MEDIUM', alias({ strength: S.MEDIUM })],
  ['HIGH', alias({ strength: S.HIGH })],
  ['FIPS', alias({ strength: S.FIPS })],
]);

/** Words that used to mean something (or mean something elsewhere): a hint for the message. */
const HINTS: ReadonlyMap<string, string> = new Map([
  ['EXPORT', 'export suites were removed in OpenSSL 1.1.0'],
  ['EXP', 'export suites were removed in OpenSSL 1.1.0'],
  ['EXPORT40', 'export suites were removed in OpenSSL 1.1.0'],
  ['EXPORT56', 'export suites were removed in OpenSSL 1.1.0'],
  ['SSLv2', 'SSLv2 support was removed in OpenSSL 1.1.0'],
  ['TLSv1.1', 'there is no TLSv1.1 alias (no suite is new in TLS 1.1)'],
  ['TLSv1.3', 'TLS 1.3 suites are configured separately (ciphersuites), not in the cipher string'],
  ['DEFAULT', 'DEFAULT is only recognised at the start of the string'],
  ['kDH', 'fixed-DH suites were removed in OpenSSL 1.1.0'],
  ['kECDH', 'fixed-ECDH suites were removed in OpenSSL 1.1.0'],
  ['KRB5', 'Kerberos suites were removed in OpenSSL 1.1.0'],
  ['AEAD', 'OpenSSL has no AEAD alias (try AESGCM:AESCCM:CHACHA20)'],
]);

/** Aliases whose suites this OpenSSL does not offer (legacy provider, GOST engine). */
const UNAVAILABLE_REASON = 'OpenSSL 3.0 offers no such suite by default (they need the legacy provider or an engine)';

// ---------------------------------------------------------------------------------------------
// The local suites with their bits.

interface Local {
  suite: CipherSuite;
  mkey: number;
  auth: number;
  enc: number;
  mac: number;
  strength: number;
  notDefault: boolean;
  minTls: number;
  bits: number;
}

function bit(table: Record<string, number>, key: string, what: string, suite: CipherSuite): number {
  const b = table[key];
  if (b === undefined) throw new Error(`cipher table: unknown ${what} ${key} for ${suite.iana}`);
  return b;
}

const KX_BITS: Record<string, number> = { RSA: K.RSA, DH: K.DHE, ECDH: K.ECDHE, PSK: K.PSK, RSAPSK: K.RSAPSK, DHEPSK: K.DHEPSK, ECDHEPSK: K.ECDHEPSK, SRP: K.SRP };
const AU_BITS: Record<string, number> = { RSA: A.RSA, DSS: A.DSS, None: A.NULL, ECDSA: A.ECDSA, PSK: A.PSK, SRP: A.SRP };
const ENC_BITS: Record<string, number> = {
  'AES(128)': E.AES128, 'AES(256)': E.AES256, 'AESGCM(128)': E.AES128GCM, 'AESGCM(256)': E.AES256GCM,
  'AESCCM(128)': E.AES128CCM, 'AESCCM(256)': E.AES256CCM, 'AESCCM8(128)': E.AES128CCM8, 'AESCCM8(256)': E.AES256CCM8,
  'CHACHA20/POLY1305(256)': E.CHACHA20, 'Camellia(128)': E.CAMELLIA128, 'Camellia(256)': E.CAMELLIA256,
  'ARIAGCM(128)': E.ARIA128GCM, 'ARIAGCM(256)': E.ARIA256GCM, 'None(0)': E.NULL,
  '3DES(168)': E.TDES, 'RC4(128)': E.RC4, 'IDEA(128)': E.IDEA, 'SEED(128)': E.SEED, 'DES(56)': E.DES,
};
const MAC_BITS: Record<string, number> = { MD5: M.MD5, SHA1: M.SHA1, SHA256: M.SHA256, SHA384: M.SHA384, AEAD: M.AEAD };

const LOCAL: readonly Local[] = CIPHER_SUITES.filter((s) => s.local !== undefined && s.local.minTls !== 'TLSv1.3')
  .sort((a, b) => (a.local?.rank ?? 0) - (b.local?.rank ?? 0))
  .map((suite) => {
    const l = suite.local;
    if (!l) throw new Error('unreachable');
    return {
      suite,
      mkey: bit(KX_BITS, l.kx, 'Kx', suite),
      auth: bit(AU_BITS, l.au, 'Au', suite),
      enc: bit(ENC_BITS, `${l.enc}(${l.bits})`, 'Enc', suite),
      mac: bit(MAC_BITS, l.mac, 'Mac', suite),
      strength: S[l.strength] | (l.fips ? S.FIPS : 0),
      notDefault: !l.inDefault,
      minTls: V[l.minTls] ?? 0,
      // 3DES offers 112 bits of strength for its 168-bit key.
      bits: l.enc === '3DES' ? 112 : l.bits,
    };
  });

const SUITE_BY_NAME: ReadonlyMap<string, number> = new Map(LOCAL.map((l, i) => [l.suite.openssl ?? '', i]));
const IANA_TO_OPENSSL: ReadonlyMap<string, string> = new Map(
  CIPHER_SUITES.filter((s) => s.openssl !== null).map((s) => [s.iana, s.openssl ?? '']),
);
const SUITE_BY_IANA: ReadonlyMap<string, CipherSuite> = new Map(CIPHER_SUITES.map((s) => [s.iana, s]));
const KNOWN_OPENSSL_NAMES: ReadonlySet<string> = new Set(CIPHER_SUITES.map((s) => s.openssl ?? ''));

// What the local suites cover: an alias outside it is dropped by OpenSSL (like an unknown word).
const AVAILABLE = LOCAL.reduce(
  (acc, l) => ({ mkey: acc.mkey | l.mkey, auth: acc.auth | l.auth, enc: acc.enc | l.enc, mac: acc.mac | l.mac }),
  { mkey: 0, auth: 0, enc: 0, mac: 0 },
);

function aliasAvailable(p: Pattern): boolean {
  return (
    (p.mkey === 0 || (p.mkey & AVAILABLE.mkey) !== 0) &&
    (p.auth === 0 || (p.auth & AVAILABLE.auth) !== 0) &&
    (p.enc === 0 || (p.enc & AVAILABLE.enc) !== 0) &&
    (p.mac === 0 || (p.mac & AVAILABLE.mac) !== 0)
  );
}

function suitePattern(i: number): Pattern {
  const l = LOCAL[i];
  if (!l) throw new Error('unreachable');
  return { mkey: l.mkey, auth: l.auth, enc: l.enc, mac: l.mac, strength: l.strength, notDefault: l.notDefault, minTls: 0, suite: i };
}

function matches(p: Pattern, l: Local, i: number): boolean {
  if (p.suite >= 0 && p.suite !== i) return false;
  if (p.mkey !== 0 && (p.mkey & l.mkey) === 0) return false;
  if (p.auth !== 0 && (p.auth & l.auth) === 0) return false;
  if (p.enc !== 0 && (p.enc & l.enc) === 0) return false;
  if (p.mac !== 0 && (p.mac & l.mac) === 0) return false;
  if (p.minTls !== 0 && p.minTls !== l.minTls) return false;
  if (p.strength !== 0 && (p.strength & l.strength) === 0) return false;
  if (p.notDefault && !l.notDefault) return false;
  return true;
}

/** Intersects `b` into `a`; false when a category becomes empty (OpenSSL then drops the item). */
function intersect(a: Pattern, b: Pattern): boolean {
  for (const k of ['mkey', 'auth', 'enc', 'mac', 'strength'] as const) {
    if (b[k] === 0) continue;
    if (a[k] === 0) {
      a[k] = b[k];
      // OpenSSL keeps the class and the "not in DEFAULT" flag in one word and *assigns* the
      // first class it meets, dropping an earlier COMPLEMENTOFDEFAULT: so
      // COMPLEMENTOFDEFAULT+HIGH is HIGH, while HIGH+COMPLEMENTOFDEFAULT is both.
      if (k === 'strength') a.notDefault = false;
    } else {
      a[k] &= b[k];
      if (a[k] === 0) return false;
    }
  }
  if (b.notDefault) a.notDefault = true;
  if (b.suite >= 0) a.suite = b.suite;
  else if (b.minTls !== 0) {
    if (a.minTls !== 0 && a.minTls !== b.minTls) return false;
    a.minTls = b.minTls;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// The list state.

class SuiteList {
  /** Indices into LOCAL, in list order (killed suites removed). */
  order: number[] = LOCAL.map((_, i) => i);
  readonly active = new Uint8Array(LOCAL.length);

  apply(rule: 'add' | 'del' | 'ord' | 'kill', p: Pattern): number {
    const moved: number[] = [];
    const kept: number[] = [];
    let hits = 0;
    for (const i of this.order) {
      const l = LOCAL[i];
      const hit = l !== undefined && matches(p, l, i);
      if (hit) hits++;
      if (rule === 'kill') {
        if (hit) this.active[i] = 0;
        else kept.push(i);
        continue;
      }
      const on = this.active[i] === 1;
      if (hit && (rule === 'add' ? !on : on)) {
        moved.push(i);
        this.active[i] = rule === 'del' ? 0 : 1;
      } else kept.push(i);
    }
    this.order = rule === 'kill' ? kept : rule === 'del' ? moved.concat(kept) : kept.concat(moved);
    return hits;
  }

  strengthSort(): void {
    const inactive = this.order.filter((i) => this.active[i] !== 1);
    const on = this.order.filter((i) => this.active[i] === 1);
    // Array.prototype.sort is stable.
    on.sort((a, b) => (LOCAL[b]?.bits ?? 0) - (LOCAL[a]?.bits ?? 0));
    this.order = inactive.concat(on);
  }

  result(): CipherSuite[] {
    const out: CipherSuite[] = [];
    for (const i of this.order) {
      const l = LOCAL[i];
      if (l && this.active[i] === 1) out.push(l.suite);
    }
    return out;
  }
}

const SEPARATORS = new Set([':', ',', ' ', ';']);

function isWordChar(c: number): boolean {
  return (
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 /* - */ || c === 46 /* . */ || c === 61 /* = */
  );
}

interface ParseState {
  list: SuiteList;
  problems: CipherStringProblem[];
  securityLevel: number | undefined;
  /** Offset of `text` within the string the user wrote; problems are reported only when >= 0. */
  base: number;
}

/** Processes one rule string; false on an error that makes OpenSSL reject the whole string. */
function processRules(text: string, st: ParseState): boolean {
  const report = (kind: CipherStringProblem['kind'], message: string, offset: number, length: number): void => {
    if (st.base >= 0) st.problems.push({ kind, message, offset: st.base + offset, length });
  };
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    const ch = text[pos] ?? '';
    let rule: 'add' | 'del' | 'ord' | 'kill' | 'special' = 'add';
    if (ch === '-') rule = 'del';
    else if (ch === '+') rule = 'ord';
    else if (ch === '!') rule = 'kill';
    else if (ch === '@') rule = 'special';
    const itemStart = pos;
    if (rule !== 'add') pos++;
    if (SEPARATORS.has(ch)) {
      pos++;
      continue;
    }

    const pattern: Pattern = { ...NONE_PATTERN };
    let found = false;
    let wordStart = pos;
    let wordEnd = pos;
    for (;;) {
      wordStart = pos;
      while (pos < n && isWordChar(text.charCodeAt(pos))) pos++;
      wordEnd = pos;
      if (wordEnd === wordStart) {
        const bad = pos < n ? `'${text[pos]}'` : 'the end of the string';
        report('syntax', `OpenSSL rejects this cipher string: expected a cipher or alias name at ${bad}`, Math.min(pos, Math.max(n - 1, 0)), pos < n ? 1 : Math.max(n - itemStart, 0));
        return false;
      }
      if (rule === 'special') break;
      const multi = text[pos] === '+';
      if (multi) pos++;
      const word = text.slice(wordStart, wordEnd);
      const suiteIndex = SUITE_BY_NAME.get(word);
      const a = suiteIndex === undefined ? ALIASES.get(word) : undefined;
      if (suiteIndex === undefined && (a === undefined || !aliasAvailable(a))) {
        found = false;
        let itemEnd = pos;
        while (itemEnd < n && !SEPARATORS.has(text[itemEnd] ?? '')) itemEnd++;
        reportUnknown(word, text.slice(wordStart, itemEnd), a !== undefined, rule === 'kill' || rule === 'del', wordStart, report);
        break;
      }
      const part = suiteIndex !== undefined ? suitePattern(suiteIndex) : (a ?? NONE_PATTERN);
      found = true;
      if (!intersect(pattern, part)) {
        found = false;
        report('no-match', `'${text.slice(itemStart, wordEnd)}' selects nothing: the words have no suite in common`, itemStart, wordEnd - itemStart);
        break;
      }
      if (!multi) break;
    }

    if (rule === 'special') {
      const word = text.slice(wordStart, wordEnd);
      if (word === 'STRENGTH') st.list.strengthSort();
      else if (word.length === 10 && word.startsWith('SECLEVEL=')) {
        const level = word.charCodeAt(9) - 48;
        if (level < 0 || level > 5) {
          report('syntax', `OpenSSL rejects this cipher string: security level must be 0 to 5`, wordStart, wordEnd - wordStart);
          return false;
        }
        st.securityLevel = level;
      } else {
        report('syntax', `OpenSSL rejects this cipher string: unknown command '@${word}' (only @STRENGTH and @SECLEVEL=n exist)`, itemStart, wordEnd - itemStart);
        return false;
      }
      while (pos < n && !SEPARATORS.has(text[pos] ?? '')) pos++;
    } else if (found) {
      const hits = st.list.apply(rule, pattern);
      if (hits === 0 && rule !== 'kill' && rule !== 'del') {
        report('no-match', `'${text.slice(itemStart, wordEnd)}' matches no suite this OpenSSL offers`, itemStart, wordEnd - itemStart);
      }
    } else {
      while (pos < n && !SEPARATORS.has(text[pos] ?? '')) pos++;
    }
  }
  return true;
}

/**
 * Reports a word OpenSSL ignores. `rest` runs from the word to the end of its item: an IANA
 * name stops at its first '_' for OpenSSL (which then skips the rest), so it is looked up whole.
 */
function reportUnknown(
  word: string,
  rest: string,
  knownAlias: boolean,
  removing: boolean,
  offset: number,
  report: (kind: CipherStringProblem['kind'], message: string, offset: number, length: number) => void,
): void {
  if (knownAlias) {
    // Removing suites that are not there anyway is harmless (and portable to older OpenSSL).
    if (!removing) report('no-match', `'${word}' selects nothing: ${UNAVAILABLE_REASON}; OpenSSL ignores this item`, offset, word.length);
    return;
  }
  const iana = rest.split('+')[0] ?? word;
  const suite = SUITE_BY_IANA.get(iana);
  if (suite?.protocol === 'TLSv1.3') {
    report('no-match', `${iana} is a TLS 1.3 suite: it is configured with the TLS 1.3 ciphersuites (e.g. ssl_conf_command Ciphersuites), not in the cipher string; OpenSSL ignores this item`, offset, iana.length);
    return;
  }
  const openssl = IANA_TO_OPENSSL.get(iana);
  if (openssl) {
    report('no-match', `'${iana}' is an IANA name, which OpenSSL's cipher strings do not accept (OpenSSL calls it ${openssl}); OpenSSL ignores this item`, offset, iana.length);
    return;
  }
  const hint = HINTS.get(word);
  let message = `Unknown cipher or alias '${word}'; OpenSSL ignores this item`;
  if (hint) message = `'${word}' is not an OpenSSL 3.0 alias (${hint}); OpenSSL ignores this item`;
  else if (KNOWN_OPENSSL_NAMES.has(word)) message = `'${word}' is not offered by OpenSSL 3.0 (${UNAVAILABLE_REASON}); OpenSSL ignores this item`;
  report(KNOWN_OPENSSL_NAMES.has(word) ? 'no-match' : 'unknown', message, offset, word.length);
}

const SUITEB: ReadonlyArray<readonly [string, string]> = [
  ['SUITEB128ONLY', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['SUITEB128C2', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['SUITEB128', 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['SUITEB192', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
];

/** OpenSSL 3.0's default cipher list, which a leading DEFAULT expands to. */
export const OPENSSL_DEFAULT_CIPHER_LIST = 'ALL:!COMPLEMENTOFDEFAULT:!eNULL';

/**
 * Whether OpenSSL's default security callback lets a handshake use `suite` at `level`
 * (0 allows everything; 1..5 need 80/112/128/192/256 bits, no anonymous suites, no MD5;
 * above 160 bits no SHA-1 MAC; from level 3 forward secrecy).
 */
export function allowedAtSecurityLevel(suite: CipherSuite, level: number): boolean {
  if (level <= 0) return true;
  const l = suite.local;
  const bits = l ? (l.enc === '3DES' ? 112 : l.bits) : suite.enc === '3DES' ? 112 : suite.bits;
  const minBits = [0, 80, 112, 128, 192, 256][Math.min(level, 5)] ?? 256;
  if (bits < minBits) return false;
  const au = l ? l.au : suite.au;
  const mac = l ? l.mac : suite.mac;
  const kx = l ? l.kx : suite.kx;
  if (au === 'None' || au === 'NULL') return false;
  if (mac === 'MD5') return false;
  if (minBits > 160 && mac === 'SHA1') return false;
  if (level >= 3 && suite.protocol !== 'TLSv1.3' && !['DH', 'ECDH', 'DHEPSK', 'ECDHEPSK'].includes(kx)) return false;
  return true;
}

/**
 * Expands an OpenSSL cipher string as OpenSSL 3.0 does (`openssl ciphers -V STRING`, TLS 1.3
 * suites excluded — see the file comment). Problems carry offsets into `s`.
 */
export function evaluateCipherString(s: string, defaultSecurityLevel: number = DEFAULT_SECURITY_LEVEL): CipherStringResult {
  const st: ParseState = { list: new SuiteList(), problems: [], securityLevel: undefined, base: 0 };
  let ok = true;
  const suiteB = SUITEB.find(([prefix]) => s.startsWith(prefix));
  if (suiteB) {
    st.base = -1;
    ok = processRules(suiteB[1], st);
    st.problems.push({ kind: 'no-match', message: `${suiteB[0]} replaces the whole cipher string by ${suiteB[1]} (Suite B)`, offset: 0, length: s.length });
  } else {
    let rest = s;
    if (s.startsWith('DEFAULT')) {
      st.base = -1;
      ok = processRules(OPENSSL_DEFAULT_CIPHER_LIST, st);
      st.base = s[7] === ':' ? 8 : 7;
      rest = s.slice(st.base);
    }
    if (ok) ok = processRules(rest, st);
  }
  const securityLevel = st.securityLevel ?? defaultSecurityLevel;
  if (!ok) return { suites: [], problems: st.problems, valid: false, securityLevel, usable: [] };
  const suites = st.list.result();
  if (suites.length === 0) {
    st.problems.push({ kind: 'empty', message: 'The cipher string selects no TLS 1.2 (or older) suite: OpenSSL rejects it ("no cipher match")', offset: 0, length: s.length });
  }
  return {
    suites,
    problems: st.problems,
    valid: suites.length > 0,
    securityLevel,
    usable: suites.filter((x) => allowedAtSecurityLevel(x, securityLevel)),
  };
}
