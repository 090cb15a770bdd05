import { scanPem } from '../formats/pem/scanner';
import { LineIndex } from '../text';
import { DerError } from '../x509/der';
import { dhPrimeBits } from '../x509/dh';
import type { ReferencedFile } from './referenced';

/** What a DH parameters file holds: its prime size, or why it cannot be read. */
export type DhJudgement = { bits: number } | { problem: 'no-block' | 'malformed' | 'unparsable'; detail: string };

const DH_LABELS = new Set(['DH PARAMETERS', 'X9.42 DH PARAMETERS']);

/**
 * The DH parameters in a file (PEM `DH PARAMETERS` / `X9.42 DH PARAMETERS`, or DER): the
 * prime size from PKCS #3 `DHParameter` or X9.42 DomainParameters. `optional`: a file that
 * may hold other PEM blocks (a certificate file) and no DH parameters gives undefined.
 */
export function judgeDhFile(ref: ReferencedFile, optional = false): DhJudgement | undefined {
  let der: Uint8Array | undefined = ref.bytes;
  if (ref.text !== undefined) {
    const text = ref.text;
    const block = scanPem(text, new LineIndex(text)).find((b) => DH_LABELS.has(b.label));
    if (!block) return optional ? undefined : { problem: 'no-block', detail: 'no "DH PARAMETERS" PEM block' };
    der = block.der;
    if (!der) return { problem: 'malformed', detail: block.problem?.message ?? 'unreadable' };
  }
  if (!der) return undefined;
  try {
    return { bits: dhPrimeBits(der) };
  } catch (e) {
    return { problem: 'unparsable', detail: e instanceof DerError ? e.message : 'unexpected structure' };
  }
}
