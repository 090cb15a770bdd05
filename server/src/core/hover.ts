import type { TextDoc } from './document';
import { detectFormat } from './formats/detect';
import { walkDirectives, type NginxDirective } from './formats/nginx/ast';
import { asIncludedInHttp, includeKey, isHttpSnippet, spliceIncludes } from './formats/nginx/context';
import { effectiveConfig, findHeader, walkLocations, type EffectiveLocation, type EffectiveServer, type EffectiveValue } from './formats/nginx/effective';
import { TLS_DIRECTIVES } from './formats/nginx/directives';
import { parseNginxDoc } from './formats/nginx/parseCache';
import type { Policy } from './policy/policy';
import { CERTIFICATE_LABELS, scanPem, isPrivateKeyLabel, type PemBlock } from './formats/pem/scanner';
import { rangeContains, type Position, type Range } from './text';
import { decodeCertificate, describePublicKey, describeValidity, isoDate, type CertificateSummary } from './x509/certificate';

export interface HoverResult {
  /** Markdown. */
  markdown: string;
  range: Range;
}


/** Escapes text for Markdown so subject names cannot inject links or formatting. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_[\]<>|]/g, (c) => '\\' + c);
}

/** A Markdown code span that holds any text (the fence is longer than any backtick run inside; `|` is escaped for tables). */
export function codeSpan(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const body = s.replace(/\|/g, '\\|');
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

export function certificateMarkdown(cert: CertificateSummary, now: Date, position?: { index: number; count: number }): string {
  const md: string[] = [];
  const where = position && position.count > 1 ? ` (${ordinal(position.index + 1)} of ${position.count} in this file)` : '';
  md.push(`**Certificate**${where}`);
  md.push('');
  md.push(`| | |`);
  md.push(`|---|---|`);
  md.push(`| Subject | ${escapeMarkdown(cert.subject || '(empty)')} |`);
  md.push(`| Issuer | ${escapeMarkdown(cert.issuer || '(empty)')}${cert.selfIssued ? ' (self-signed)' : ''} |`);
  // Code spans: names are shown as written, never turned into links.
  const sans = cert.sans.length ? cert.sans.map((s) => `${s.type}:${codeSpan(s.value)}`).join(', ') : '(none)';
  md.push(`| SANs | ${sans} |`);
  md.push(`| Valid | ${isoDate(cert.notBefore)} → ${isoDate(cert.notAfter)}, **${describeValidity(cert, now)}** |`);
  md.push(`| Key | ${escapeMarkdown(describePublicKey(cert.publicKey))} |`);
  md.push(`| Signature | ${escapeMarkdown(cert.signatureAlgorithm)} |`);
  md.push(`| Serial | \`${cert.serialNumber}\` |`);
  md.push(`| SHA-256 | \`${cert.sha256Fingerprint}\` |`);
  return md.join('\n');
}

function ordinal(n: number): string {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return n + (s[(v - 20) % 10] ?? s[v] ?? s[0]!);
}

function blockMarkdown(block: PemBlock, blocks: readonly PemBlock[], now: Date): string | undefined {
  if (block.problem) return `**${escapeMarkdown(block.label)}**: ${escapeMarkdown(block.problem.message)}`;
  if (isPrivateKeyLabel(block.label)) {
    return `**${escapeMarkdown(block.label)}**: private key material. TLS Lens never shows its contents.`;
  }
  if (!CERTIFICATE_LABELS.has(block.label) || !block.der) return undefined;
  const decoded = decodeCertificate(block.der);
  if (!decoded.ok) return `**${escapeMarkdown(block.label)}**: ${escapeMarkdown(decoded.error)}`;
  const certs = blocks.filter((b) => CERTIFICATE_LABELS.has(b.label));
  return certificateMarkdown(decoded.cert, now, { index: certs.indexOf(block), count: certs.length });
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
  parsed: readonly NginxDirective[],
  policy: Policy | undefined,
  context: readonly NginxDirective[] | undefined,
  included: ReadonlyMap<string, readonly NginxDirective[]> | undefined,
): string | undefined {
  if ((block.name !== 'server' && block.name !== 'location') || !block.block) return undefined;
  const tree = included?.size ? spliceIncludes(parsed, included) : parsed;
  const cfg = effectiveConfig(asIncludedInHttp(tree, context), { nginxVersion: policy?.nginxVersion });
  // A block with includes spelled out is a copy: it keeps the original's ranges.
  let owner: EffectiveServer | EffectiveLocation | undefined = cfg.servers.find((s) => s.directive.range === block.range);
  if (!owner) {
    for (const s of cfg.servers) walkLocations(s, (l) => {
      if (l.directive.range === block.range) owner = l;
    });
  }
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
  if (unknown) md.push('', '_The configuration that includes this file was not found: values it sets in `http` are not shown._');
  let ancestorInclude = false;
  // Includes whose files were read are spelled out above; only unread ones leave values unknown.
  const unread = (c: NginxDirective): boolean => c.name === 'include' && !included?.has(includeKey(c));
  const unreadInside = (d: NginxDirective): boolean => d.block?.directives.some((c) => unread(c) || unreadInside(c)) ?? false;
  walkDirectives(parsed, (d, ancestors) => {
    if (d === block && (unreadInside(block) || ancestors.some((a) => a.block?.directives.some(unread)))) ancestorInclude = true;
  });
  if (ancestorInclude) md.push('', '_This block or one around it has an `include`: values the included file sets are not shown._');
  return md.join('\n');
}

/**
 * The hover for a position: the decoded certificate inside a PEM block; in nginx files,
 * what a TLS directive does under its name.
 */
export function hoverAt(
  doc: TextDoc,
  position: Position,
  now: Date,
  policy?: Policy,
  nginxHttpContext?: readonly NginxDirective[],
  /** What the file's includes read (`includeContext`), so a block's values from them are shown. */
  nginxIncluded?: ReadonlyMap<string, readonly NginxDirective[]>,
): HoverResult | undefined {
  if (detectFormat(doc) === 'nginx') {
    let found: NginxDirective | undefined;
    const parsed = parseNginxDoc(doc).directives;
    walkDirectives(parsed, (d) => {
      if (!found && rangeContains(d.nameRange, position)) found = d;
    });
    const markdown = found && (directiveMarkdown(found, policy) ?? effectiveMarkdown(found, parsed, policy, nginxHttpContext, nginxIncluded));
    if (found && markdown) return { markdown, range: found.nameRange };
  }
  const blocks = scanPem(doc.text, doc.lines);
  const block = blocks.find((b) => rangeContains(b.range, position));
  if (!block) return undefined;
  const markdown = blockMarkdown(block, blocks, now);
  return markdown ? { markdown, range: block.range } : undefined;
}
