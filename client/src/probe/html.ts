/**
 * The probe report as webview HTML: a strict CSP (nothing but this page's own nonce'd style
 * and script), the editor's theme colours, every value escaped. No vscode import: unit-tested
 * in plain Node.
 */
import {
  checkRows,
  describeChainAsSent,
  describeNotReached,
  describeServedCertificates,
  describeService,
  describeShortHellos,
  describeSignatureAlgorithms,
  type ConfigLink,
  type ProbeReport,
  type ProbeReportCertificate,
} from '../../../server/src/shared/probe';
import { plural } from '../../../server/src/shared/protocol';
import { SHARED_STYLE, escapeHtml, valueHtml } from '../webview';

export { escapeHtml };

/**
 * Every configuration link of a report, in the order the page numbers them: each
 * definition (its name, then its certificates), then each finding's links. The page sends
 * `{ type: 'openConfig', index }`; the extension opens `configLinks(report)[index]`.
 */
export function configLinks(rep: ProbeReport): ConfigLink[] {
  const out: ConfigLink[] = [];
  for (const d of rep.config?.definitions ?? []) {
    out.push(d.at);
    for (const c of d.certificate ?? []) out.push(c.at);
  }
  for (const f of findingsBySeverity(rep)) out.push(...(f.config ?? []));
  return out;
}

export interface RenderOptions {
  /** How a file is named on the page (e.g. relative to the workspace); default: as given. */
  displayPath?: (file: string) => string;
}

const e = escapeHtml;

function row(label: string, value: string): string {
  return `<tr><th scope="row">${e(label)}</th><td>${valueHtml(value)}</td></tr>`;
}

const SEVERITY_RANK: Record<string, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/** The findings, most severe first (in report order within a severity); each keeps its index for the config links. */
export function findingsBySeverity(rep: ProbeReport): Array<ProbeReport['findings'][number]> {
  return rep.findings.map((f, i) => ({ f, i })).sort((a, b) => (SEVERITY_RANK[a.f.severity] ?? 9) - (SEVERITY_RANK[b.f.severity] ?? 9) || a.i - b.i).map((x) => x.f);
}

/** `2026-12-02 17:30:05 UTC` for an ISO timestamp (the report's own is kept in the JSON). */
export function readableTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
}

function yesNo(b: boolean | undefined): string {
  return b === undefined ? 'unknown' : b ? 'yes' : 'no';
}

function gradeClass(letter: string): string {
  if (letter.startsWith('A')) return 'good';
  if (letter === 'B' || letter === 'C') return 'fair';
  return 'bad';
}

export function renderProbeReport(rep: ProbeReport, nonce: string, cspSource: string, opts: RenderOptions = {}): string {
  const g = rep.grade;
  const display = opts.displayPath ?? ((f: string): string => f);
  let next = 0;
  /** A link that opens the file at the range (numbered in configLinks order). */
  const cfg = (l: ConfigLink): string =>
    `<a href="#" class="cfg" data-link="${next++}" title="${e(l.label)}">${e(display(l.file))}:${l.range.start.line + 1}</a> <span class="cfglabel">${e(l.label)}</span>`;
  let configSection = '';
  if (rep.config) {
    const c = rep.config;
    const defs = c.definitions.map((d) => {
      const head = cfg(d.at);
      const certs = (d.certificate ?? [])
        .map((x) => {
          const state = x.matchesLive === true ? `<strong class="good">the certificate the server sends${x.servedAs ? ` as its ${e(x.servedAs)}` : ''}</strong>` : x.matchesLive === false ? '<strong class="bad">NOT the certificate the server sends</strong>' : `not compared: ${e(x.note ?? 'unknown')}`;
          return `<li>${cfg(x.at)}${x.subject ? ` — ${e(x.subject)}` : ''}: ${state}</li>`;
        })
        .join('');
      return `<li>${e(d.title)}${d.match === 'default' ? '' : ` (${e(d.match)} match)`}: ${head}${certs ? `<ul>${certs}</ul>` : ''}</li>`;
    });
    const others = (c.searched.formats ?? []).map((f) => `, ${plural(f.files, `${e(f.title)} file`)}`).join('');
    const searched = `${plural(c.searched.nginxFiles, 'nginx file')}${others} and ${plural(c.searched.manifests, 'manifest')} searched`;
    configSection = `<h2>Configuration</h2>${
      defs.length
        ? `<p>The workspace defines ${e(c.name)}:${c.port} here (${searched}):</p><ul class="defs">${defs.join('')}</ul>`
        : `<p class="undefined">Nothing in the workspace defines ${e(c.name)}:${c.port} (${searched}).</p>`
    }`;
  }
  const details: string[] = [];
  const service = describeService(rep);
  if (service) details.push(row('Protocol', service));
  if (rep.negotiated) details.push(row('Negotiated', `${rep.negotiated.protocol} ${rep.negotiated.cipher}${rep.negotiated.alpn ? `, ALPN ${rep.negotiated.alpn}` : ''}`));
  if (rep.trust) details.push(row('Trusted', rep.trust.trusted ? 'yes' : `no — ${rep.trust.error ?? ''}`));
  details.push(row(`Name ${rep.hostname.name}`, rep.hostname.matches === undefined ? 'not checked' : rep.hostname.matches ? 'covered by the certificate' : 'NOT covered by the certificate'));
  if (rep.ocsp) details.push(row('OCSP staple', rep.ocsp.stapled ? `${rep.ocsp.status ?? 'present'}${rep.ocsp.nextUpdate ? `, next update ${rep.ocsp.nextUpdate}` : ''}${rep.ocsp.problem ? ` (${rep.ocsp.problem})` : ''}` : 'none'));
  if (rep.hsts) details.push(row('HSTS', rep.hsts.present ? (rep.hsts.raw ?? '') : 'none'));
  if (rep.resumption) details.push(row('Resumption', `ticket ${yesNo(rep.resumption.ticket)}, resumed ${yesNo(rep.resumption.resumed)}`));
  if (rep.groups?.length) details.push(row('Groups', rep.groups.join(', ')));
  if (rep.secureRenegotiation !== undefined) details.push(row('Secure renegotiation', yesNo(rep.secureRenegotiation)));
  if (rep.fallbackScsv !== undefined) details.push(row('Fallback SCSV', yesNo(rep.fallbackScsv)));
  for (const [label, value] of checkRows(rep)) details.push(`<tr><th scope="row">${e(label)}</th><td${/^VULNERABLE/.test(value) ? ' class="bad"' : ''}>${e(value)}</td></tr>`);
  const late = describeNotReached(rep);
  if (late) details.push(row('Not reached', late));
  const shortHellos = describeShortHellos(rep);
  if (shortHellos) details.push(row('Short ClientHellos', shortHellos));
  const chainAsSent = describeChainAsSent(rep);
  if (chainAsSent) details.push(row('Chain as sent', chainAsSent));
  if (rep.timing) details.push(row('Timing', `TCP ${rep.timing.connectMs} ms, TLS ${rep.timing.tlsMs} ms, whole probe ${rep.durationMs} ms`));
  if (rep.address) details.push(row('Address', rep.address));

  const findings = rep.findings.length
    ? `<table class="findings"><thead><tr><th>Severity</th><th>Finding</th><th>Rule</th></tr></thead><tbody>${findingsBySeverity(rep)
        .map(
          (f) =>
            `<tr class="${e(f.severity)}"><td>${e(f.severity)}</td><td>${e(f.message)}${(f.config ?? []).map((l) => `<div class="config">config: ${cfg(l)}</div>`).join('')}</td><td><code>${e(f.ruleId)}</code></td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p>No findings.</p>';

  const protocols = rep.protocols
    .map((p) => {
      const sigs = describeSignatureAlgorithms(p);
      const extra = [sigs ? `<div class="sub">signature algorithms: ${e(sigs)}</div>` : '', p.breaksOn?.length ? `<div class="sub bad">closes the connection when it picks: ${e(p.breaksOn.join(', '))}</div>` : ''].join('');
      const suites = p.suites.map((s, i) => `<code>${e(s)}</code>${i === 0 && p.serverOrder ? ' <span class="sub">(preferred)</span>' : ''}`).join('<br>');
      return `<tr><th scope="row">${e(p.version)}</th><td>${p.accepted ? 'accepted' : 'refused'}${p.serverOrder === undefined ? '' : p.serverOrder ? ', server order (most preferred first)' : ', client order'}</td><td>${suites}${extra}</td></tr>`;
    })
    .join('');

  const certSection = (title: string, c: ProbeReportCertificate): string =>
    `<section class="cert"><h3>${e(title)}</h3>${c.error ? `<p>${e(c.error)}</p>` : ''}<table>${c.facts.map((f) => row(f.label, f.value)).join('')}</table><details><summary>PEM</summary><pre>${e(c.pem)}</pre></details></section>`;
  const certs = rep.certificates.map((c, i) => certSection(`Certificate ${i + 1}`, c)).join('');
  const byKey = rep.servedCertificates?.length
    ? `<h2>Certificates by key type</h2><p>One key type's signature algorithms offered at a time (TLS 1.3 and 1.2):</p><ul>${describeServedCertificates(rep)
        .map((l) => `<li>${e(l)}</li>`)
        .join('')}</ul>${rep.servedCertificates
        .filter((x) => !x.primary)
        .map((x) => x.chain.map((c, i) => certSection(`${x.keyType} certificate${i ? ` chain ${i + 1}` : ''}`, c)).join(''))
        .join('')}`
    : '';

  const caps = g.caps.map((c) => `<li>capped at <strong>${e(c.letter)}</strong>: ${e(c.reason)}</li>`).join('');
  const notes = g.notes.map((n) => `<li>${e(n)}</li>`).join('');
  const errors = rep.errors.length ? `<h2>Not checked</h2><ul>${rep.errors.map((x) => `<li>${e(x.phase)}: ${e(x.message)}</li>`).join('')}</ul>` : '';

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${e(cspSource)}; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TLS Lens: ${e(rep.endpoint)}</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 1.5em 2em; }
  h1 { font-weight: 600; }
  .grade { display: inline-block; min-width: 2.2em; text-align: center; font-size: 2.4em; font-weight: 700; padding: .1em .3em; border: 2px solid currentColor; border-radius: 6px; margin-right: .4em; vertical-align: middle; }
  .grade.good { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
  .grade.fair { color: var(--vscode-editorWarning-foreground); }
  .grade.bad { color: var(--vscode-errorForeground); }
  table { border-collapse: collapse; margin: .5em 0 1em; }
  th, td { text-align: left; vertical-align: top; padding: .2em .8em .2em 0; border-bottom: 1px solid var(--vscode-panel-border, transparent); }
  tr.error td:first-child { color: var(--vscode-errorForeground); }
  tr.warning td:first-child { color: var(--vscode-editorWarning-foreground); }
  tr.info td:first-child, tr.hint td:first-child { color: var(--vscode-editorInfo-foreground); }
  code, pre { font-family: var(--vscode-editor-font-family); }
  pre { background: var(--vscode-textCodeBlock-background); padding: .5em; overflow-x: auto; }
${SHARED_STYLE}  a.cfg { color: var(--vscode-textLink-foreground); }
  .cfglabel { color: var(--vscode-descriptionForeground); }
  .good { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
  .bad { color: var(--vscode-errorForeground); }
  .sub { color: var(--vscode-descriptionForeground); }
</style>
</head>
<body>
<h1><span class="grade ${gradeClass(g.letter)}" id="grade">${e(g.letter)}</span>${e(rep.endpoint)}${rep.connectTo ? ` at ${e(rep.connectTo)}` : ''}${rep.sni ? ` (SNI ${e(rep.sni)})` : ''}</h1>
<p>Score ${g.score} — protocol ${g.scores.protocol}, key exchange ${g.scores.keyExchange}, cipher ${g.scores.cipher}${g.ignoringTrust ? ` — ${e(g.ignoringTrust)} if trust issues are ignored` : ''}. Profile <strong>${e(rep.profile)}</strong>, probed <time datetime="${e(rep.startedAt)}">${e(readableTime(rep.startedAt))}</time>.</p>
${caps || notes ? `<ul class="caps">${caps}${notes}</ul>` : ''}
<p><button id="copy">Copy JSON</button><button id="again">Probe again</button></p>
<h2>Findings</h2>
${findings}
${configSection}
<h2>${rep.enumerated ? 'Protocols and suites' : 'Negotiated (versions and suites not enumerated)'}</h2>
<table>${protocols}</table>
<h2>Connection</h2>
<table>${details.join('')}</table>
<h2>Certificate chain</h2>
${certs || '<p>No certificate received.</p>'}
${byKey}
${errors}
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  document.getElementById('copy').addEventListener('click', () => vscode.postMessage({ type: 'copyJson' }));
  document.getElementById('again').addEventListener('click', () => vscode.postMessage({ type: 'probeAgain' }));
  for (const a of document.querySelectorAll('a.cfg')) {
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      vscode.postMessage({ type: 'openConfig', index: Number(a.getAttribute('data-link')) });
    });
  }
</script>
</body>
</html>
`;
}
