import type { TextDoc } from './document';
import { detectFormat } from './formats/detect';
import type { NginxDirective } from './formats/nginx/ast';
import { asIncludedInHttp, includeKey, isHttpSnippet, spliceIncludes, spliceStock } from './formats/nginx/context';
import { STOCK_BASES, baseFromLayout } from './formats/nginx/stock';
import { blockOwnerOf, effectiveConfig, findHeader, type EffectiveValue } from './formats/nginx/effective';
import { TLS_DIRECTIVES } from './formats/nginx/directives';
import { parseNginxDoc } from './formats/nginx/parseCache';
import type { Policy } from './policy/policy';
import { isPrivateKeyLabel, scanPem } from './formats/pem/scanner';
import { FILE_DIRECTIVES, referencedSites, type ReferencedFile, type ReferencedFiles } from './certs/referenced';
import { dhPrimeBits } from './x509/dh';
import { keyMatchDescription, privateKeyOfSite } from './certs/keys';
import { isCertificateSite, materialSites, type MaterialSite } from './certs/sites';
import { certificateFacts, privateKeyFacts } from './x509/facts';
import { OTHER_MATERIAL_LABELS, describeOtherMaterial } from './x509/otherMaterial';
import { LineIndex, comparePositions, rangeContains, type Position, type Range } from './text';
import { decodeCertificate, describeValidity, type CertificateSummary } from './x509/certificate';
import type { FormatFacts, FormatHover, HoverText } from './formats/format';
import { formatModule } from './formats/registry';
import { escapeControls } from './escape';

export interface HoverResult {
  /** Markdown. */
  markdown: string;
  range: Range;
}


/** Escapes text for Markdown so subject names cannot inject links or formatting, nor control characters (`escapeControls`). */
export function escapeMarkdown(s: string): string {
  return escapeControls(s).replace(/[\\`*_[\]<>|&~]/g, (c) => '\\' + c);
}

/** A Markdown code span that holds any text (the fence is longer than any backtick run inside; `|` is escaped for tables). */
export function codeSpan(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const body = escapeControls(s).replace(/\|/g, '\\|');
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

export function certificateMarkdown(cert: CertificateSummary, now: Date, position?: { index: number; count: number }, container?: string, scope = container ? 'this value' : 'this file'): string {
  const md: string[] = [];
  const where = position && position.count > 1 ? ` (${ordinal(position.index + 1)} of ${position.count} in ${scope})` : '';
  md.push(`**Certificate**${where}`);
  if (container) md.push('', `_${escapeMarkdown(container)}_`);
  md.push('');
  md.push(`| | |`);
  md.push(`|---|---|`);
  const validity = describeValidity(cert, now);
  for (const f of certificateFacts(cert, now)) {
    let value: string;
    // Code spans: names are shown as written, never turned into links.
    if (f.label === 'SANs') value = cert.sans.length ? cert.sans.map((s) => `${s.type}:${codeSpan(s.value)}`).join(', ') : '(none)';
    else if (f.prose && f.items) value = f.items.map(escapeMarkdown).join('; ');
    else if (f.items && f.items.length && f.label !== 'Key usage' && f.label !== 'Extended key usage') value = f.items.map(codeSpan).join(', ');
    else if (f.monospace) value = codeSpan(f.value);
    else if (f.label === 'Valid') value = escapeMarkdown(f.value.slice(0, f.value.length - validity.length)) + `**${escapeMarkdown(validity)}**`;
    else value = escapeMarkdown(f.value);
    md.push(`| ${f.label} | ${value} |`);
  }
  return md.join('\n');
}

function ordinal(n: number): string {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return n + (s[(v - 20) % 10] ?? s[v] ?? s[0]!);
}

/** A private key: its shape and the certificate it matches, never its material. */
function privateKeyMarkdown(site: MaterialSite, sites: readonly MaterialSite[]): string {
  const key = privateKeyOfSite(site);
  const md = [`**${escapeMarkdown(site.label)}**: private key material. TLS Lens never shows its contents.`];
  if (site.container) md.push('', `_${escapeMarkdown(site.container)}_`);
  if (key) {
    const matches = keyMatchDescription(sites, site);
    md.push('', '| | |', '|---|---|');
    for (const f of privateKeyFacts(key, matches)) md.push(`| ${f.label} | ${escapeMarkdown(f.value)} |`);
  }
  return md.join('\n');
}

/** A certificate request, CRL or public key (`x509/otherMaterial.ts`); a located reason when it does not parse. */
function otherMaterialMarkdown(site: MaterialSite, der: Uint8Array, now: Date): string | undefined {
  const d = describeOtherMaterial(site.label, der, now);
  if (!d) return undefined;
  if (!d.ok) return `**${escapeMarkdown(site.label)}**: ${escapeMarkdown(d.error)}`;
  const md = [`**${d.title}**`];
  if (site.container) md.push('', `_${escapeMarkdown(site.container)}_`);
  md.push('', '| | |', '|---|---|');
  for (const f of d.facts) md.push(`| ${f.label} | ${f.monospace ? codeSpan(f.value) : f.items ? (f.items.length ? f.items.map(codeSpan).join(', ') : '(none)') : escapeMarkdown(f.value)} |`);
  return md.join('\n');
}

function siteMarkdown(site: MaterialSite, sites: readonly MaterialSite[], now: Date): string | undefined {
  if (site.problem) return `**${escapeMarkdown(site.label)}**: ${escapeMarkdown(site.problem.message)}`;
  if (isPrivateKeyLabel(site.label)) return privateKeyMarkdown(site, sites);
  if (site.der && OTHER_MATERIAL_LABELS.has(site.label)) return otherMaterialMarkdown(site, site.der, now);
  if (!isCertificateSite(site) || !site.der) return undefined;
  const decoded = decodeCertificate(site.der);
  if (!decoded.ok) return `**${escapeMarkdown(site.label)}**: ${escapeMarkdown(decoded.error)}`;
  const position = site.bundleIndex !== undefined && site.bundleSize !== undefined ? { index: site.bundleIndex, count: site.bundleSize } : undefined;
  const scope = site.collection && site.encoding === 'pem' ? 'this PKCS#7 block' : site.encoding === 'pem' ? 'this file' : site.encoding === 'pem-in-json' ? 'this string' : 'this value';
  return certificateMarkdown(decoded.cert, now, position, site.container, scope);
}

/** What the file an nginx directive names holds: its certificates, keys (shape only), DH parameters. */
function referencedFileMarkdown(ref: ReferencedFile, now: Date): string | undefined {
  const head = `**${escapeMarkdown(ref.written)}**${ref.path !== ref.written ? ` (${codeSpan(ref.path)})` : ''}`;
  const sites = referencedSites(ref);
  const parts = sites.map((s) => siteMarkdown(s, sites, now)).filter((m): m is string => m !== undefined);
  if (ref.text !== undefined) {
    const text = ref.text;
    for (const b of scanPem(text, new LineIndex(text))) {
      if ((b.label !== 'DH PARAMETERS' && b.label !== 'X9.42 DH PARAMETERS') || !b.der) continue;
      try {
        parts.push(`**${b.label}**: ${dhPrimeBits(b.der)}-bit prime`);
      } catch {
        parts.push(`**${b.label}**: does not parse`);
      }
    }
  }
  if (parts.length === 0) return `${head}\n\nNo certificate, key or DH parameters found in this file.`;
  return [head, ...parts].join('\n\n---\n\n');
}

/** What a TLS directive does, nginx's default, and what the policy's profile recommends. */
function directiveMarkdown(d: NginxDirective, policy: Policy | undefined): string | undefined {
  const info = TLS_DIRECTIVES[d.name];
  if (!info) return undefined;
  const version = policy?.nginxVersion;
  const dflt = version && info.defaultFor ? `${codeSpan(info.defaultFor(version))} (nginx ${version})` : escapeMarkdown(info.default);
  const md = [`**${d.name}** — ${escapeMarkdown(info.summary)}`, '', `Default: ${dflt}`];
  const want = policy && info.policy?.(policy.profile);
  if (policy && want) md.push('', `${escapeMarkdown(policy.profile.source)} recommends: ${codeSpan(want)}`);
  return md.join('\n');
}

/** The TLS settings that apply in a `server` or `location` block, with where each comes from. */
function effectiveMarkdown(
  block: NginxDirective,
  ancestors: readonly NginxDirective[],
  parsed: readonly NginxDirective[],
  policy: Policy | undefined,
  context: readonly NginxDirective[] | undefined,
  included: ReadonlyMap<string, readonly NginxDirective[]> | undefined,
  file: string,
): string | undefined {
  if ((block.name !== 'server' && block.name !== 'location') || !block.block) return undefined;
  const tree = included?.size ? spliceIncludes(parsed, included) : parsed;
  const cfg = effectiveConfig(spliceStock(asIncludedInHttp(tree, context, policy?.nginxBase ?? baseFromLayout(file))), { nginxVersion: policy?.nginxVersion });
  // A block with includes spelled out is a copy: it keeps the original's ranges.
  const owner = blockOwnerOf(cfg, block);
  if (!owner) return undefined;
  const names = block.name === 'server'
    ? ['ssl_protocols', 'ssl_ciphers', 'ssl_prefer_server_ciphers', 'ssl_certificate', 'ssl_session_tickets', 'ssl_stapling', 'proxy_ssl_verify']
    : ['proxy_ssl_verify', 'proxy_ssl_server_name', 'proxy_ssl_trusted_certificate', 'proxy_ssl_protocols'];
  const origin = (v: EffectiveValue): string =>
    v.origin === 'own' ? (v.directives[0]?.file ? `here, from ${escapeMarkdown(v.directives[0].file)}` : 'here')
      : v.origin === 'inherited' ? `from ${v.level ?? 'above'}${v.directives[0]?.file ? ` (${escapeMarkdown(v.directives[0].file)})` : ''}`
        : `nginx's default${v.versionDependent ? (v.nginxVersion ? ` for ${v.nginxVersion}` : ', depends on the version') : ''}`;
  const md = [`**Effective TLS settings in this ${block.name}**`, '', '| | value | from |', '|---|---|---|'];
  for (const n of names) {
    const v = owner.settings.get(n);
    md.push(`| ${n} | ${v ? codeSpan(v.args.join(' ')) : '(not set)'} | ${v ? origin(v) : ''} |`);
  }
  const sts = findHeader(owner.headers, 'strict-transport-security')[0];
  const stsHere = sts !== undefined && owner.headers.own.includes(sts);
  const stsFile = sts?.directive.file ? `, from ${escapeMarkdown(sts.directive.file)}` : '';
  md.push(`| Strict-Transport-Security | ${sts ? codeSpan(sts.value) + (sts.always ? ' always' : '') : '(none)'} | ${sts ? (stsHere ? 'here' : `from ${sts.level}`) + stsFile : ''} |`);
  const unknown = isHttpSnippet(parsed) && !context;
  if (unknown) {
    const base = policy?.nginxBase ?? baseFromLayout(file);
    md.push('', base === 'none' ? '_No nginx.conf in the workspace includes this file: its `http` block is assumed to set no TLS directive._' : `_No nginx.conf in the workspace includes this file: shown as included by ${escapeMarkdown(STOCK_BASES[base].label)} (\`nginx.base: ${base}\`)._`);
  }
  // Includes whose files were read are spelled out above; only unread ones leave values unknown.
  const unread = (c: NginxDirective): boolean => c.name === 'include' && !included?.has(includeKey(c));
  const unreadInside = (d: NginxDirective): boolean => d.block?.directives.some((c) => unread(c) || unreadInside(c)) ?? false;
  const ancestorInclude = unreadInside(block) || ancestors.some((a) => includesDirectlyIn(a).some(unread));
  if (ancestorInclude) md.push('', '_This block or one around it has an `include`: values the included file sets are not shown._');
  return md.join('\n');
}

/** The `include` directives directly in a block, kept per block: an http block of thousands of servers is read once, not on every hover. */
const directIncludes = new WeakMap<NginxDirective, { list: readonly NginxDirective[]; includes: NginxDirective[] }>();
function includesDirectlyIn(block: NginxDirective): readonly NginxDirective[] {
  const list = block.block?.directives ?? [];
  let known = directIncludes.get(block);
  if (known?.list !== list) directIncludes.set(block, (known = { list, includes: list.filter((d) => d.name === 'include') }));
  return known.includes;
}

/**
 * Calls `visit` for each directive whose range holds `position`, depth first in document order,
 * with its enclosing directives: siblings are in document order and do not overlap, so each
 * list is searched by halving, and a hover in a file of 100,000 lines walks a few dozen.
 */
function directivesAt(list: readonly NginxDirective[], position: Position, visit: (d: NginxDirective, ancestors: readonly NginxDirective[]) => void, ancestors: NginxDirective[] = []): void {
  // The first directive that does not end before the position.
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comparePositions(list[mid]!.range.end, position) < 0) lo = mid + 1;
    else hi = mid;
  }
  // Where one ends and the next begins, both hold the position.
  for (let i = lo; i < list.length && comparePositions(list[i]!.range.start, position) <= 0; i++) {
    const d = list[i]!;
    visit(d, ancestors);
    if (d.block) {
      ancestors.push(d);
      directivesAt(d.block.directives, position, visit, ancestors);
      ancestors.pop();
    }
  }
}

/**
 * The hover for a position: on certificate material (a PEM block, a base64 value in YAML,
 * PEM in a JSON string) the decoded certificate(s) or the private key's shape and match;
 * in nginx files, what a TLS directive does under its name.
 */
export function hoverAt(
  doc: TextDoc,
  position: Position,
  now: Date,
  policy?: Policy,
  nginxHttpContext?: readonly NginxDirective[],
  referenced?: ReferencedFiles,
  /** What the file's includes read (`includeContext`), so a block's values from them are shown. */
  nginxIncluded?: ReadonlyMap<string, readonly NginxDirective[]>,
): HoverResult | undefined {
  if (detectFormat(doc) === 'nginx') {
    let found: { d: NginxDirective; ancestors: NginxDirective[] } | undefined;
    let fileArg: { d: NginxDirective; ref: ReferencedFile } | undefined;
    const parsed = parseNginxDoc(doc).directives;
    directivesAt(parsed, position, (d, ancestors) => {
      if (!found && rangeContains(d.nameRange, position)) found = { d, ancestors: [...ancestors] };
      const arg = d.args[0];
      const ref = arg && FILE_DIRECTIVES.has(d.name) && rangeContains(arg.range, position) ? referenced?.get(arg.value) : undefined;
      if (ref && !fileArg) fileArg = { d, ref };
    });
    if (fileArg) {
      const markdown = referencedFileMarkdown(fileArg.ref, now);
      if (markdown) return { markdown, range: fileArg.d.args[0]!.range };
    }
    const markdown = found && (directiveMarkdown(found.d, policy) ?? effectiveMarkdown(found.d, found.ancestors, parsed, policy, nginxHttpContext, nginxIncluded, doc.file));
    if (found && markdown) return { markdown, range: found.d.nameRange };
  }
  const sites = materialSites(doc);
  const here = sites.filter((s) => rangeContains(s.range, position));
  const first = here[0];
  if (!first) return undefined;
  // The blocks of one base64 value share its range: show each (a chain in tls.crt); so do the certificates of a PKCS#7 block.
  const shown = first.encoding === 'base64-pem' || first.collection ? here : [first];
  const parts = shown.map((s) => siteMarkdown(s, sites, now)).filter((m): m is string => m !== undefined);
  return parts.length ? { markdown: parts.join('\n\n---\n\n'), range: first.range } : undefined;
}

function hoverText(t: HoverText): string {
  return t.code !== undefined ? codeSpan(t.code) : escapeMarkdown(t.text ?? '');
}

/** Markdown for a registered format's hover (`FormatModule.hover`): every value escaped, named files shown as above. */
function formatHoverMarkdown(h: FormatHover, now: Date): string | undefined {
  if ('files' in h) {
    const parts = h.files.map((f) => referencedFileMarkdown(f, now)).filter((m): m is string => m !== undefined);
    return parts.length ? parts.join('\n\n---\n\n') : undefined;
  }
  const md = [`**${escapeMarkdown(h.title)}**${h.summary ? ` — ${escapeMarkdown(h.summary)}` : ''}`];
  for (const f of h.facts ?? []) md.push('', `${escapeMarkdown(f.label)}: ${hoverText(f)}`);
  if (h.table) {
    md.push('', `| ${h.table.columns.map(escapeMarkdown).join(' | ')} |`, `|${h.table.columns.map(() => '---').join('|')}|`);
    for (const row of h.table.rows) md.push(`| ${row.map(hoverText).join(' | ')} |`);
  }
  for (const n of h.notes ?? []) md.push('', `_${escapeMarkdown(n)}_`);
  return md.join('\n');
}

/**
 * The hover of a registered format (`formats/registry.ts`) at a position, with the facts the
 * caller gathered (`gatherFacts`); undefined for built-in formats or where it has none (then
 * `hoverAt` answers).
 */
export function formatHoverAt(doc: TextDoc, position: Position, now: Date, policy: Policy, facts?: FormatFacts): HoverResult | undefined {
  const m = formatModule(detectFormat(doc));
  if (!m?.hover) return undefined;
  const h = m.hover(m.model({ doc, policy, ...(facts?.format === m.id ? { facts: facts.value } : {}) }), position);
  const markdown = h && formatHoverMarkdown(h, now);
  return h && markdown ? { markdown, range: h.range } : undefined;
}
