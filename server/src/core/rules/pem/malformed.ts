import { CERTIFICATE_LABELS } from '../../formats/pem/scanner';
import { decodeCertificate } from '../../x509/certificate';
import type { MaterialSite } from '../../certs/sites';
import type { Rule } from '../rule';

/**
 * A PEM block that cannot be read: bad markers, bad base64, a certificate whose DER does
 * not parse; and a PEM file (.pem/.crt/.cer/.key/.csr) with no PEM block at all.
 * Not reported in plain text and Markdown, where PEM blocks are often placeholders.
 */
export const pemMalformed: Rule = {
  id: 'pem/malformed',
  title: 'Malformed PEM block',
  defaultSeverity: 'error',
  formats: ['pem', 'nginx', 'yaml', 'kubernetes'],
  check(ctx) {
    const blocks = ctx.pemBlocks();
    for (const b of blocks) {
      if (b.problem) {
        ctx.report({ range: b.problem.range, message: b.problem.message });
        continue;
      }
      if (b.der && CERTIFICATE_LABELS.has(b.label)) {
        // The decoder's reason says which field and which fault (the same text `inspect` shows).
        const d = decodeCertificate(b.der);
        if (!d.ok) ctx.report({ range: b.beginRange, message: `PEM block "${b.label}" is ${d.error}` });
      }
    }
    // Base64 values in YAML (Secrets, kubeconfig, webhooks): bad base64, a decoded value that is
    // not PEM/DER, a block inside it that does not read.
    const reported = new Set<string>();
    const placeholders: MaterialSite[] = [];
    const sites = ctx.materialSites();
    for (const s of sites) {
      // Also the certificates of a PKCS#7 PEM block (a `.p7b` bundle), each a site of its own.
      if (s.encoding !== 'base64-pem' && s.encoding !== 'base64-der' && !(s.encoding === 'pem' && s.collection)) continue;
      if (s.placeholder) {
        placeholders.push(s);
        continue;
      }
      // The decoder's reason says which field and which fault (the same text `inspect` shows).
      const decoded = !s.problem && s.der && CERTIFICATE_LABELS.has(s.label) ? decodeCertificate(s.der) : undefined;
      const problem = s.problem ?? (decoded && !decoded.ok ? { message: `a certificate in ${s.container ?? 'this value'} is ${decoded.error}`, range: s.range } : undefined);
      if (!problem) continue;
      const key = `${problem.range.start.line}:${problem.range.start.character}:${problem.message}`;
      if (reported.has(key)) continue;
      reported.add(key);
      ctx.report({ range: problem.range, message: problem.message });
    }
    // Documentation placeholders (`<base64 CA>`, REPLACE_ME, ${VAR}): one note for the file.
    const first = placeholders[0];
    if (first) {
      const shown = placeholders.slice(0, 3).map((p) => `${p.container ?? 'a value'} (line ${p.range.start.line + 1})`);
      ctx.report({
        range: first.range,
        severity: 'info',
        message: `${placeholders.length === 1 ? first.problem!.message : `${placeholders.length} values hold placeholders, not base64 material: ${shown.join(', ')}${placeholders.length > 3 ? ', …' : ''}`}; not checked — fill in real values (or leave the file as the example it is)`,
      });
    }
    if (ctx.format === 'pem' && blocks.length === 0 && ctx.doc.text.trim().length > 0) {
      ctx.report({
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: ctx.doc.lines.lineText(0).length } },
        message: 'no PEM block ("-----BEGIN …-----") in this file, though its name says PEM',
        severity: 'warning',
      });
    }
  },
};
