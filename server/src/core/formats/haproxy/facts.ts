/**
 * The files an HAProxy configuration names, read through the host: `crt` files and
 * directories (every file in it but `.key`, `.ocsp`, `.issuer`, `.sctl`, as HAProxy loads
 * them), the `<crt>.key` beside a certificate file without a key (ssl-load-extra-files),
 * the certificate files a `crt-list` lists, `ca-file`, `crl-file`, `ca-verify-file` and
 * `ssl-dh-param-file`. Relative `crt` paths start at `crt-base`, relative CA and CRL paths at
 * `ca-base`, and what is still relative at the configuration file's folder (as HAProxy does
 * with `default-path config`); absolute paths are read through the policy's `pathMappings`,
 * or when they lie inside that folder. Nothing outside `root` is read. Missing files are left
 * out: certificates are often deployed separately.
 */
import { MAX_REFERENCED_BYTES, readReferencedFile, resolveReferencedPath, type ReferencedFile } from '../../certs/referenced';
import type { GatherInput } from '../format';
import { dirnameOf, isAbsolutePath, joinPath, normalizePath } from '../nginx/includes';
import { parseHaproxy, type HaproxyConfig, type HaproxyLine, type HaproxyWord } from './parser';
import { BIND_FLAGS, SERVER_FLAGS } from './keywords';
import { lineOptions } from './model';

export interface HaproxyFacts {
  /** What was read for each path as written (a directory or a crt-list gives several files). */
  files: ReadonlyMap<string, readonly ReferencedFile[]>;
  /** The `<crt>.key` files read beside certificate files without a key, by the crt path as written. */
  keys: ReadonlyMap<string, ReferencedFile>;
}

/** Which base a named path starts from. */
export type PathKind = 'crt' | 'ca' | 'other';

/** A path a line names, with the option (or global keyword) that names it. */
export interface NamedPath {
  by: string;
  kind: PathKind;
  role: 'certificate' | 'ca' | 'crl' | 'dh' | 'list';
  word: HaproxyWord;
  line: HaproxyLine;
}

const OPTION_ROLES: Readonly<Record<string, { kind: PathKind; role: NamedPath['role'] }>> = {
  crt: { kind: 'crt', role: 'certificate' },
  'crt-list': { kind: 'crt', role: 'list' },
  'ca-file': { kind: 'ca', role: 'ca' },
  'ca-verify-file': { kind: 'ca', role: 'ca' },
  'crl-file': { kind: 'ca', role: 'crl' },
};

/** Every certificate, CA, CRL and DH path the configuration's lines name (default-server lines once, where written). */
export function namedPaths(config: HaproxyConfig): NamedPath[] {
  const out: NamedPath[] = [];
  for (const section of config.sections) {
    for (const line of section.lines) {
      const k = line.keyword;
      if (line.modifier) continue;
      if (section.kind === 'global' && k === 'ssl-dh-param-file' && line.words[1]) {
        out.push({ by: k, kind: 'other', role: 'dh', word: line.words[1], line });
        continue;
      }
      let options;
      if (k === 'bind') options = lineOptions(line, 2, BIND_FLAGS, 'own', false);
      else if (k === 'server') options = lineOptions(line, 3, SERVER_FLAGS, 'own', true);
      else if (k === 'server-template') options = lineOptions(line, 4, SERVER_FLAGS, 'own', true);
      else if (k === 'default-server') options = lineOptions(line, 1, SERVER_FLAGS, 'default-server', true);
      // HAProxy 3.2+: certificates for a frontend's bind lines (`ssl-f-use crt site.pem …`).
      else if (k === 'ssl-f-use') options = lineOptions(line, 1, BIND_FLAGS, 'own', false);
      else continue;
      for (const o of options) {
        const r = OPTION_ROLES[o.key.value];
        if (r && o.value && !o.value.env) out.push({ by: o.key.value, kind: r.kind, role: r.role, word: o.value, line });
      }
    }
  }
  return out;
}

/** The global `crt-base` and `ca-base` folders. */
export function bases(config: HaproxyConfig): { crt?: string; ca?: string } {
  const out: { crt?: string; ca?: string } = {};
  for (const s of config.sections) {
    if (s.kind !== 'global') continue;
    for (const l of s.lines) {
      const v = l.words[1];
      if (!v || v.env) continue;
      if (l.keyword === 'crt-base') out.crt = v.value;
      else if (l.keyword === 'ca-base') out.ca = v.value;
    }
  }
  return out;
}

/** Where a written path is in the workspace, or undefined (`@system-ca`, variables, outside the folder and unmapped). */
export function resolveHaproxyPath(written: string, kind: PathKind, configFile: string, base: { crt?: string; ca?: string }, mappings: Readonly<Record<string, string>>): string | undefined {
  if (written.startsWith('@') || written.includes('$')) return undefined;
  const b = kind === 'crt' ? base.crt : kind === 'ca' ? base.ca : undefined;
  const full = !isAbsolutePath(written) && b ? joinPath(b, written) : written;
  return resolveReferencedPath(full, dirnameOf(normalizePath(configFile)), mappings);
}

const EXTRA_FILES = /\.(key|ocsp|issuer|sctl)$/;
/** Most files read from one crt directory or crt-list. */
const MAX_FILES_PER_PATH = 100;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9 ]+ )?PRIVATE KEY-----/;

/** Reads the files the configuration names (see the module comment). Never throws. */
export async function gatherHaproxyFacts(input: GatherInput): Promise<HaproxyFacts> {
  const files = new Map<string, ReferencedFile[]>();
  const keys = new Map<string, ReferencedFile>();
  const { host, policy } = input;
  const limit = Math.min(MAX_REFERENCED_BYTES, policy.maxFileSizeBytes);
  const within = input.root === undefined ? undefined : normalizePath(input.root).replace(/\/?$/, '/');
  const inside = (p: string | undefined): p is string => p !== undefined && (within === undefined || p.startsWith(within));
  const read = async (written: string, path: string): Promise<ReferencedFile | undefined> => {
    const open = input.text?.(path);
    if (open !== undefined) return { written, path, text: open };
    return readReferencedFile(host, written, path, limit);
  };
  try {
    const config = parseHaproxy(input.doc.text, input.doc.lines);
    const base = bases(config);
    const resolve = (written: string, kind: PathKind): string | undefined => {
      const p = resolveHaproxyPath(written, kind, input.path, base, policy.pathMappings);
      return inside(p) ? p : undefined;
    };
    const certificate = async (written: string, path: string, into: ReferencedFile[]): Promise<void> => {
      const f = await read(written, path);
      if (!f) return;
      into.push(f);
      if (f.text !== undefined && !PRIVATE_KEY.test(f.text) && !keys.has(written)) {
        const key = await read(`${written}.key`, `${path}.key`);
        if (key) keys.set(written, key);
      }
    };
    for (const named of namedPaths(config)) {
      const written = named.word.value;
      if (files.has(written)) continue;
      const path = resolve(written, named.kind);
      if (!path) continue;
      const got: ReferencedFile[] = [];
      files.set(written, got);
      const st = await host.stat(path).catch(() => undefined);
      if (!st) continue;
      if (st.isDirectory && (named.role === 'certificate' || named.role === 'ca')) {
        const entries = await host.readDirectory(path).catch(() => []);
        const names = entries.filter((e) => e.type === 'file' && !e.name.startsWith('.') && !EXTRA_FILES.test(e.name)).map((e) => e.name).sort();
        for (const name of names.slice(0, MAX_FILES_PER_PATH)) await certificate(joinPath(written, name), joinPath(path, name), got);
        continue;
      }
      if (!st.isFile) continue;
      if (named.role === 'list') {
        const list = await read(written, path);
        if (list?.text === undefined) continue;
        let n = 0;
        for (const raw of list.text.split(/\r?\n/)) {
          const entry = raw.trim();
          if (!entry || entry.startsWith('#')) continue;
          const first = entry.split(/\s+/)[0]!;
          const p = resolve(first, 'crt');
          if (p && n++ < MAX_FILES_PER_PATH) await certificate(first, p, got);
        }
        continue;
      }
      if (named.role === 'certificate') await certificate(written, path, got);
      else {
        const f = await read(written, path);
        if (f) got.push(f);
      }
    }
  } catch {
    // a broken configuration names nothing readable
  }
  return { files, keys };
}
