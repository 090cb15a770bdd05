/**
 * Values written where base64 certificate material belongs that are not material: Helm/Go
 * template expressions (unknown until rendered), values SOPS encrypted in the repository
 * (`ENC[AES256_GCM,data:…]`, decrypted when applied), and documentation placeholders — `<base64
 * CA>`, `...`, `REPLACE_ME`, `${CA_BUNDLE}`, a few words of prose — which an example or a
 * file meant for substitution (envsubst, Flux `postBuild`) carries.
 */
export type NotMaterial = 'template' | 'encrypted' | 'placeholder';

/** Upper-case placeholder words (REPLACE_ME, CHANGE-ME, BASE64_CA) and the usual stand-ins. */
const WORDS = /^(?:[A-Z0-9]+[_-])+[A-Z0-9]+$|^(?:changeme|todo|tbd|fixme|placeholder|redacted|secret|none|null|nil|empty|dummy|fake|example|x{3,}|\*{3,}|-+)$/i;

/** Why `value` (a YAML scalar where base64 material belongs) is not material, or undefined when it may be. */
export function notMaterial(value: string): NotMaterial | undefined {
  const v = value.trim();
  if (v.includes('{{')) return 'template';
  if (/^ENC\[[A-Z0-9_]+,data:/.test(v)) return 'encrypted';
  if (/\$\{[^}]*\}|\$\([^)]*\)|%\{[^}]*\}/.test(v)) return 'placeholder';
  if (/<[^<>]*>/.test(v) || /\.\.\.|…/.test(v)) return 'placeholder';
  if (WORDS.test(v)) return 'placeholder';
  // Prose ("base64 encoded CA bundle"): several short words. Folded base64 has long words.
  const words = v.split(/\s+/);
  if (words.length >= 2 && words.every((w) => w.length < 20) && words.some((w) => /^[a-z]{3,}[.,:;]?$/.test(w))) return 'placeholder';
  return undefined;
}

/** A decoded value that is one short word, not PEM or DER ("test", "changeme\n"): a stand-in. */
export function decodesToStandIn(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes.length > 40) return false;
  return /^[\w.-]{1,32}$/.test(Buffer.from(bytes).toString('latin1').trim());
}
