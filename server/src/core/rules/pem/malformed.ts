import { certificateParseError } from '../../x509/certificate';
import type { Rule } from '../rule';

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);

/**
 * A PEM block that cannot be read: bad markers, bad base64, a certificate whose DER does
 * not parse; and a PEM file (.pem/.crt/.cer/.key/.csr) with no PEM block at all.
 */
export const pemMalformed: Rule = {
  id: 'pem/malformed',
  title: 'Malformed PEM block',
  defaultSeverity: 'error',
  formats: ['pem', 'nginx', 'yaml', 'kubernetes', 'text'],
  check(ctx) {
    const blocks = ctx.pemBlocks();
    for (const b of blocks) {
      if (b.problem) {
        ctx.report({ range: b.problem.range, message: b.problem.message });
        continue;
      }
      if (b.der && CERTIFICATE_LABELS.has(b.label)) {
        const error = certificateParseError(b.der);
        if (error) ctx.report({ range: b.beginRange, message: `PEM block "${b.label}" is not a valid X.509 certificate (${error})` });
      }
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
