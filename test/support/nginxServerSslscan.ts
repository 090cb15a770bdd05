/**
 * sslscan (2.x, `--no-colour`) as a reference for the probe: its accepted version/suite pairs
 * as IANA codes (OpenSSL names mapped through the cipher table).
 */
import { spawn } from 'node:child_process';
import { CIPHER_SUITES } from '../../server/src/core/policy/ciphers/table';
import type { ProtocolVersion } from '../../server/src/core/probe/types';

const VERSION: Record<string, ProtocolVersion> = { SSLv2: 'SSLv2', SSLv3: 'SSLv3', 'TLSv1.0': 'TLSv1', 'TLSv1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2', 'TLSv1.3': 'TLSv1.3' };

function codeOf(name: string): number | undefined {
  return CIPHER_SUITES.find((s) => s.protocol !== 'SSLv2' && (s.openssl === name || s.iana === name))?.code;
}

export interface SslscanResult {
  /** "TLSv1.2 0xC02F" pairs, sorted. */
  pairs: string[];
  /** Suite names sslscan printed that the table does not know. */
  unknown: string[];
  /** Named groups of its "Server Key Exchange Group(s)" section (any version), sorted. */
  groups: string[];
  /** Versions sslscan reports enabled (SSLv2 by its own raw hello, as sslscan 2 does). */
  enabled: ProtocolVersion[];
  /** Per version, the suites in the order sslscan lists them (its "Preferred" first). */
  order: Partial<Record<ProtocolVersion, number[]>>;
  /** Per version, the "Server Signature Algorithm(s)" names (`--show-sigs`); 'any' when it says the server accepts all. */
  sigalgs: Partial<Record<ProtocolVersion, string[] | 'any'>>;
  output: string;
}

export function pair(version: string, code: number): string {
  return `${version} 0x${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function parseSslscan(output: string): SslscanResult {
  const pairs = new Set<string>();
  const unknown: string[] = [];
  const enabled: ProtocolVersion[] = [];
  const groups = new Set<string>();
  const order: SslscanResult['order'] = {};
  const sigalgs: SslscanResult['sigalgs'] = {};
  let inSigs = false;
  for (const line of output.split('\n')) {
    if (/^\s+Server Signature Algorithm\(s\):/.test(line)) inSigs = true;
    else if (/^\s+\S/.test(line)) inSigs = false;
    if (inSigs) {
      const sg = /^(TLSv1\.[0-3])\s+(\S.*?)\s*$/.exec(line);
      if (sg) {
        const v = VERSION[sg[1]!]!;
        if (/accepts all signature algorithms/i.test(sg[2]!)) sigalgs[v] = 'any';
        else if (sigalgs[v] !== 'any') (sigalgs[v] = (sigalgs[v]) ?? []).push(sg[2]!);
      }
    }
    const m = /^(?:Preferred|Accepted)\s+(SSLv3|TLSv1\.[0-3])\s+\d+\s+bits\s+(\S+)/.exec(line);
    if (m) {
      const code = codeOf(m[2]!);
      if (code === undefined) unknown.push(m[2]!);
      else {
        pairs.add(pair(VERSION[m[1]!]!, code));
        (order[VERSION[m[1]!]!] ??= []).push(code);
      }
    }
    const g = /^(?:SSLv3|TLSv1\.[0-3])\s+\d+\s+bits\s+(\S+)/.exec(line);
    if (g) groups.add(g[1]!);
    const e = /^(SSLv[23]|TLSv1\.[0-3])\s+enabled/.exec(line);
    if (e) enabled.push(VERSION[e[1]!]!);
  }
  return { pairs: [...pairs].sort(), unknown, groups: [...groups].sort(), enabled, order, sigalgs, output };
}

/** Runs `sslscan --no-colour [extra…] host:port` (with SNI; e.g. `--starttls-smtp` in `extra`) and parses it. */
export function runSslscan(sslscan: string, host: string, port: number, sni?: string, extra: readonly string[] = []): Promise<SslscanResult> {
  const args = ['--no-colour', ...extra, ...(sni ? [`--sni-name=${sni}`] : []), `${host}:${port}`];
  return new Promise((resolve, reject) => {
    const child = spawn(sslscan, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`sslscan ${args.join(' ')} exited ${code}: ${err}`));
      else resolve(parseSslscan(out));
    });
  });
}
