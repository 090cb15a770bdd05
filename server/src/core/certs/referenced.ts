import { TextDoc } from '../document';
import { looksBinary } from '../formats/detect';
import { forEachNamed, indexedNames, type NginxDirective } from '../formats/nginx/ast';
import { applyPathMappings, defaultPrefix, isAbsolutePath, joinPath, normalizePath } from '../formats/nginx/includes';
import { parseNginxCached } from '../formats/nginx/parseCache';
import type { Host } from '../host';
import type { Policy } from '../policy/policy';
import { materialSites, type MaterialSite } from './sites';

/** nginx directives whose first argument names a certificate, key, CA bundle or DH parameter file. */
export const FILE_DIRECTIVES: ReadonlySet<string> = indexedNames(new Set([
  'ssl_certificate',
  'ssl_certificate_key',
  'ssl_trusted_certificate',
  'ssl_client_certificate',
  'ssl_dhparam',
  'proxy_ssl_certificate',
  'proxy_ssl_certificate_key',
  'proxy_ssl_trusted_certificate',
  'grpc_ssl_trusted_certificate',
  'uwsgi_ssl_trusted_certificate',
]));

const HINT = /\b(?:ssl_certificate|ssl_certificate_key|ssl_trusted_certificate|ssl_client_certificate|ssl_dhparam)\b/;

/** A file an nginx directive names, read from the workspace by the caller (rules stay synchronous). */
export interface ReferencedFile {
  /** The path as written in the directive. */
  written: string;
  /** Where it was read, in the workspace. */
  path: string;
  /** Its text (UTF-8, BOM removed); undefined for a binary file. */
  text?: string;
  /** Its bytes when binary (DER). */
  bytes?: Uint8Array;
}

/** Referenced files by the path written in the directive. */
export type ReferencedFiles = ReadonlyMap<string, ReferencedFile>;

/** Whether an nginx document names files worth reading (a plain text check). */
export function namesReferencedFiles(text: string): boolean {
  return HINT.test(text);
}

/** The answer for each directive list (the reader of referenced files and every certificate rule ask about the same parse). */
const fileDirectiveMemo = new WeakMap<readonly NginxDirective[], readonly NginxDirective[]>();

/** Directives of a configuration that name files, with their first argument, in document order. */
export function fileDirectives(directives: readonly NginxDirective[]): readonly NginxDirective[] {
  let known = fileDirectiveMemo.get(directives);
  if (!known) fileDirectiveMemo.set(directives, (known = findFileDirectives(directives)));
  return known;
}

function findFileDirectives(directives: readonly NginxDirective[]): NginxDirective[] {
  const out: NginxDirective[] = [];
  // The shared directive index: after an edit only the edited block is walked again.
  forEachNamed(directives, FILE_DIRECTIVES, (d) => {
    if (d.args[0] && !d.file) out.push(d);
  });
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/**
 * Where a written path is in the workspace: relative paths against nginx's configuration
 * prefix (the folder of the nearest nginx.conf, as nginx resolves ssl_certificate against
 * its conf prefix); absolute ones through `pathMappings` (longest prefix wins), or as
 * written when they already lie under the prefix. Variables (`$ssl_server_name`), `data:`
 * values and engine keys are not files; undefined for them and for paths outside.
 */
export function resolveReferencedPath(written: string, prefix: string, mappings: Readonly<Record<string, string>>): string | undefined {
  if (written.includes('$') || /^(data|engine|store):/.test(written)) return undefined;
  if (!isAbsolutePath(written)) return normalizePath(joinPath(prefix, written));
  const norm = normalizePath(written);
  const mapped = applyPathMappings(norm, mappings, prefix);
  if (mapped !== undefined) return mapped;
  const p = normalizePath(prefix);
  return norm.startsWith(p.endsWith('/') ? p : p + '/') ? norm : undefined;
}

/** Files are read up to this size: certificate bundles are small; a big file is not one. */
export const MAX_REFERENCED_BYTES = 4 * 1024 * 1024;

/**
 * Reads the files an nginx file's own directives name (certificates, keys, CA bundles, DH
 * parameters) through the host, for `LintOptions.nginxReferencedFiles`. Missing or
 * unreadable files are left out: they may be deployed separately (keys rarely are committed).
 * With `root` (the workspace folder), nothing outside it is read, whatever `..` the
 * configuration writes. Never throws.
 */
export async function loadReferencedFiles(
  host: Host,
  file: string,
  text: string,
  policy: Pick<Policy, 'pathMappings' | 'maxFileSizeBytes'>,
  root?: string,
): Promise<Map<string, ReferencedFile>> {
  const out = new Map<string, ReferencedFile>();
  if (!namesReferencedFiles(text)) return out;
  try {
    // The parse the engine and the include loader share (by the file's path), and its index.
    const directives = fileDirectives(parseNginxCached(text, normalizePath(file)).config.directives);
    if (directives.length === 0) return out;
    const prefix = await defaultPrefix(host, normalizePath(file));
    const limit = Math.min(MAX_REFERENCED_BYTES, policy.maxFileSizeBytes);
    const within = root === undefined ? undefined : normalizePath(root).replace(/\/?$/, '/');
    for (const d of directives) {
      const written = d.args[0]!.value;
      if (out.has(written)) continue;
      const path = resolveReferencedPath(written, prefix, policy.pathMappings);
      if (!path || (within !== undefined && !path.startsWith(within))) continue;
      const ref = await readReferencedFile(host, written, path, limit);
      if (ref) out.set(written, ref);
    }
  } catch {
    // a broken configuration names nothing readable
  }
  return out;
}

/**
 * Reads one file a configuration names: text (UTF-8, BOM removed) or, when binary, bytes.
 * undefined when it is missing, not a file, larger than `limit`, or unreadable. Never throws.
 */
export async function readReferencedFile(host: Host, written: string, path: string, limit: number): Promise<ReferencedFile | undefined> {
  try {
    const st = await host.stat(path);
    if (!st?.isFile || st.size > limit) return undefined;
    const bytes = await host.readFile(path);
    if (looksBinary(bytes)) return { written, path, bytes };
    let t = new TextDecoder('utf-8').decode(bytes);
    if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    return { written, path, text: t };
  } catch {
    return undefined; // unreadable: as if absent
  }
}

const siteCache = new WeakMap<ReferencedFile, MaterialSite[]>();
/**
 * The sites of the latest text read from each path under each written name: a re-lint reads the
 * files again, and an unchanged file is not scanned again (its sites, and what is cached by
 * them, stay the same objects).
 */
const byPath = new Map<string, { text: string; sites: MaterialSite[] }>();

/** The material in a referenced file, each site named by the path the directive wrote. */
export function referencedSites(ref: ReferencedFile): MaterialSite[] {
  let sites = siteCache.get(ref);
  if (sites) return sites;
  if (ref.text === undefined) sites = [];
  else {
    const key = `${ref.path}\u0000${ref.written}`;
    const known = byPath.get(key);
    if (known && known.text === ref.text) sites = known.sites;
    else {
      sites = materialSites(new TextDoc(ref.path, ref.text));
      for (const s of sites) s.container = ref.written;
      if (byPath.size >= 256) byPath.delete(byPath.keys().next().value!);
      byPath.set(key, { text: ref.text, sites });
    }
  }
  siteCache.set(ref, sites);
  return sites;
}
