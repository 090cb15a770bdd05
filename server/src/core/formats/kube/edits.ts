/**
 * Quick-fix edits in manifests: a scalar's value replaced where it is written, keeping its
 * quotes. Only plain and quoted one-line scalars are edited; an alias, a block scalar or a
 * missing field gets no fix (the change would not be mechanical).
 */
import type { Fix, TextEdit } from '../../findings';
import type { Profile, TlsProtocol } from '../../policy/profiles';
import { PROTOCOL_ORDER, strongerProtocols } from '../../policy/tls';
import { yaml } from '../yaml/documents';
import type { KNode } from './node';
import { WEAK_PROTOCOLS } from './tls';

/**
 * Words a YAML reader would not take as that string when written plainly: booleans and null
 * of YAML 1.2 and of the YAML 1.1 Kubernetes tools still read (`on`, `yes`), numbers, and
 * anything with indicators or `: ` / ` #` in it.
 */
const NEEDS_QUOTES = /^(?:true|false|yes|no|on|off|y|n|null|~|[-+.]?\d.*|\..*)$|^[-?:,[\]{}#&*!|>'"%@`\s]|: |\s#|\s$/i;

function quoted(value: string, style: string | undefined): string {
  if (style === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  return JSON.stringify(value);
}

/**
 * Replaces the scalar at `node` with `value`. A quoted scalar keeps its quotes; a plain one
 * stays plain unless the new text would be read as something else (then double quotes).
 * `raw` writes the value as it is (a number or a boolean).
 */
export function replaceScalar(node: KNode, value: string, opts: { raw?: boolean } = {}): TextEdit | undefined {
  const n = node.node;
  const y = yaml();
  if (!n || !y.isScalar(n) || !n.range) return undefined;
  const style = n.type;
  if (style !== 'PLAIN' && style !== 'QUOTE_DOUBLE' && style !== 'QUOTE_SINGLE') return undefined;
  const r = node.range;
  if (r.start.line !== r.end.line) return undefined;
  const text = opts.raw ? value : style === 'PLAIN' && !NEEDS_QUOTES.test(value) ? value : quoted(value, style);
  return { range: r, newText: text };
}

/** A one-edit fix that sets the scalar at `node`, or no fix when it cannot be edited mechanically. */
export function setScalarFix(title: string, node: KNode, value: string, opts: { preferred?: boolean; raw?: boolean } = {}): Fix[] {
  const edit = replaceScalar(node, value, opts);
  if (!edit) return [];
  return [{ title, edits: [edit], ...(opts.preferred ? { preferred: true } : {}) }];
}

/**
 * The fix for a space-separated protocol list (ingress-nginx `proxy-ssl-protocols`, the
 * controller's `ssl-protocols`): the versions the profile rejects go, its newer versions
 * come in (`strongerProtocols`). No fix when a word is no version or nothing would remain.
 */
export function protocolListFix(key: string, node: KNode, value: string, profile: Profile): Fix[] {
  const words = value.split(/\s+/).filter(Boolean);
  if (!words.every((w) => (PROTOCOL_ORDER as readonly string[]).includes(w))) return [];
  const listed = words as TlsProtocol[];
  const next = strongerProtocols(listed, (p) => WEAK_PROTOCOLS[p] !== undefined && !profile.protocols.includes(p), profile.protocols);
  if (next.length === 0) return [];
  return setScalarFix(`Set ${key} "${next.join(' ')}"`, node, next.join(' '), { preferred: true });
}
