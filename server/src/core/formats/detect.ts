import type { TextDoc } from '../document';
import { formatModules, type RegisteredFormatId } from './registry';

/**
 * What a document holds, as far as TLS Lens cares. PEM blocks are looked for in every
 * kind; `pem` means the file is meant to hold nothing but PEM; `container` is a binary
 * certificate container (DER, PKCS#7, PKCS#12, JKS/JCEKS) read from its bytes
 * (`certs/containers/`), whose document text is empty. Registered formats
 * (`formats/registry.ts`) are detected by their modules' scores.
 */
export type FormatKind = 'nginx' | 'kubernetes' | 'yaml' | 'pem' | 'policy' | 'text' | 'apache' | 'container' | RegisteredFormatId;

const PEM_EXTENSIONS = ['.pem', '.crt', '.cer', '.key', '.csr', '.p7b', '.p7c'];
/** Binary certificate files: read from their bytes (`certs/containers/`); as text (PEM under such a name) they are PEM. */
const CONTAINER_EXTENSIONS = ['.der', '.p12', '.pfx', '.jks', '.jceks', '.keystore', '.truststore'];
const YAML_EXTENSIONS = ['.yaml', '.yml'];

function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] ?? file;
}

function extension(name: string): string {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(i).toLowerCase() : '';
}

/**
 * Suffixes repositories add to an nginx configuration that is copied or rendered before use
 * (`site.subdomain.conf.sample`, `default.conf.template`, `nginx.conf.j2`): the name before
 * them says what the file is.
 */
const COPY_SUFFIX = /\.(sample|example|dist|default|template|tmpl|tpl|j2|jinja2?|erb|in)$/i;

/** The name without a copy suffix (`x.conf.sample` → `x.conf`). */
export function withoutCopySuffix(file: string): string {
  const stripped = file.replace(COPY_SUFFIX, '');
  // Only for nginx's names: other formats' samples (values.yaml.example) are not read as such.
  return stripped !== file && (/\.(conf|nginx)$/i.test(stripped) || /(^|[\\/])sites-(available|enabled)[\\/][^\\/]+$/.test(stripped)) ? stripped : file;
}

/** Format from the file name alone (the same patterns the extension contributes to VS Code). */
export function formatFromName(file: string): FormatKind | undefined {
  const builtin = builtinFromName(file);
  const registered = bestRegistered({ file });
  return registered && registered.score > nameScore(file, builtin) ? registered.id : builtin;
}

/** The best registered format for what is known of a document, with its score. */
function bestRegistered(input: { file: string; languageId?: string; head?: string }): { id: FormatKind; score: number } | undefined {
  let best: { id: FormatKind; score: number } | undefined;
  for (const m of formatModules()) {
    const score = m.detect(input);
    if (score > 0 && (!best || score > best.score)) best = { id: m.id as FormatKind, score };
  }
  return best;
}

/** How sure the built-in name patterns are (`format.ts` DETECTION lists the scale). */
function nameScore(file: string, kind: FormatKind | undefined): number {
  if (kind === undefined) return 0;
  if (kind === 'policy') return Infinity;
  if (kind === 'nginx') return /(^|[\\/])nginx\.conf$|\.nginx$/i.test(withoutCopySuffix(file)) ? 90 : 70;
  return 60;
}

function builtinFromName(file: string): FormatKind | undefined {
  const norm = withoutCopySuffix(file.replace(/\\/g, '/'));
  const name = baseName(norm);
  const ext = extension(name);
  if (name === '.tls-lens.yaml' || name === '.tls-lens.json') return 'policy';
  if (name === 'nginx.conf' || ext === '.nginx') return 'nginx';
  if (/(^|\/)conf\.d\/[^/]+\.conf$/.test(norm)) return 'nginx';
  if (/(^|\/)sites-(available|enabled)\/[^/]+$/.test(norm)) return 'nginx';
  if (/(^|\/)nginx\/snippets\/[^/]+\.conf$/.test(norm)) return 'nginx';
  if (PEM_EXTENSIONS.includes(ext)) return 'pem';
  if (CONTAINER_EXTENSIONS.includes(ext)) return 'container';
  if (YAML_EXTENSIONS.includes(ext)) return 'yaml';
  return undefined;
}

/** Apache httpd configuration: its section tags and directives (no ";" at the end). */
const APACHE_SNIFF = /^[ \t]*(?:<(?:VirtualHost|IfModule|Directory|DirectoryMatch|Location|Files|FilesMatch|Macro|IfDefine)\b|(?:SSLEngine|SSLCertificateFile|SSLProtocol|DocumentRoot|ServerAlias|LoadModule|RewriteEngine|RewriteRule)[ \t]+[^;\n]*$)/im;
/** A block nginx opens: seen in a file, it is not Apache's. */
const NGINX_BLOCK = /^[ \t]*(?:http|server|events|stream|upstream|location)\b[^{;\n]*\{/m;
const NGINX_SNIFF = /^[ \t]*(?:(?:http|server|events|stream|upstream|location)\b[^{;\n]*\{|(?:ssl_[a-z_]+|listen|server_name)[ \t]+[^;\n]*;)/m;
const KUBE_API_VERSION = /^[ \t]*apiVersion:[ \t]*\S/m;
const KUBE_KIND = /^[ \t]*kind:[ \t]*\S/m;
/** A JSON manifest (kubectl get -o json, a List): YAML is a superset of JSON, so it is read alike. */
const KUBE_JSON_API_VERSION = /"apiVersion"\s*:\s*"/;
const KUBE_JSON_KIND = /"kind"\s*:\s*"/;

/** Decides what a document is from the editor's language id, its name and its first bytes. */
export function detectFormat(doc: TextDoc): FormatKind {
  if (doc.format) return doc.format;
  // A document's name, language and text do not change: one lint asks many times, sniffed once.
  let kind = detected.get(doc);
  if (kind === undefined) detected.set(doc, (kind = detectOnce(doc)));
  return kind;
}

const detected = new WeakMap<TextDoc, FormatKind>();

function detectOnce(doc: TextDoc): FormatKind {
  const builtin = builtinDetect(doc);
  if (builtin.kind === 'policy') return 'policy';
  const input: { file: string; languageId?: string; head: string } = { file: doc.file, head: doc.text.slice(0, 64 * 1024) };
  if (doc.languageId) input.languageId = doc.languageId;
  const registered = bestRegistered(input);
  return registered && registered.score > builtin.score ? registered.id : builtin.kind;
}

/** The built-in formats' decision, with how sure it is (see `nameScore`). */
function builtinDetect(doc: TextDoc): { kind: FormatKind; score: number } {
  const byName = builtinFromName(doc.file);
  const byLanguage = doc.languageId ? fromLanguageId(doc.languageId) : undefined;
  const kind = builtinKind(doc, byName, byLanguage);
  const score = byLanguage || doc.languageId === 'apacheconf' ? 100 : byName !== undefined && kind === byName ? nameScore(doc.file, byName) : kind === 'text' ? 0 : 50;
  return { kind, score };
}

function builtinKind(doc: TextDoc, byName: FormatKind | undefined, byLanguage: FormatKind | undefined): FormatKind {
  if (byName === 'policy') return 'policy';
  if (doc.languageId === 'apacheconf') return 'apache';
  // A container's name on text (PEM saved as .der): read as PEM.
  let kind = byLanguage ?? (byName === 'container' ? 'pem' : byName);
  const ext = extension(baseName(withoutCopySuffix(doc.file)));
  if (!kind) {
    const head = doc.text.slice(0, 64 * 1024);
    // A file with no extension (named on the command line) is recognised by its content.
    if ((ext === '.conf' || ext === '') && NGINX_SNIFF.test(head) && !looksApache(doc.file, head)) kind = 'nginx';
    else if ((ext === '.conf' || ext === '') && looksApache(doc.file, head)) return 'apache';
    else if (ext === '.json' && KUBE_JSON_API_VERSION.test(head) && KUBE_JSON_KIND.test(head)) return 'kubernetes';
    else if (ext === '' && KUBE_API_VERSION.test(head) && KUBE_KIND.test(head)) return 'kubernetes';
    else kind = 'text';
  }
  // sites-available/*.conf and conf.d/*.conf are Apache's folders too (Debian's apache2, httpd).
  if (kind === 'nginx' && !byLanguage && looksApache(doc.file, doc.text.slice(0, 64 * 1024))) return 'apache';
  if (kind === 'yaml') {
    const head = doc.text.slice(0, 256 * 1024);
    if (KUBE_API_VERSION.test(head) && KUBE_KIND.test(head)) return 'kubernetes';
  }
  return kind;
}

/** Apache httpd's: its tags or directives and no nginx block, or an apache2/ or httpd/ folder and no nginx block. */
function looksApache(file: string, head: string): boolean {
  if (NGINX_BLOCK.test(head)) return false;
  return APACHE_SNIFF.test(head) || /(^|[\\/])(apache2?|httpd)[\\/]/i.test(file);
}

function fromLanguageId(id: string): FormatKind | undefined {
  switch (id) {
    case 'nginx':
      return 'nginx';
    case 'pem':
      return 'pem';
    case 'yaml':
    case 'dockercompose':
      return 'yaml';
    default:
      return undefined;
  }
}

/** True when the bytes look binary (a NUL in the first 8 KiB), as git and grep decide. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** True when a text document holds NUL characters (binary content opened as text). */
export function textLooksBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\u0000');
}
