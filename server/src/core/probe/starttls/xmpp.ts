/**
 * XMPP STARTTLS (RFC 6120 §5.4) on 5222 (client) and 5269 (server to server): open the stream
 * to the domain, find `<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>` among the stream
 * features, send it, and wait for `<proceed/>` (or `<failure/>`, or a stream error).
 */
import { printable, type Dialogue, type UpgradeContext } from './dialogue';

const TLS_NS = 'urn:ietf:params:xml:ns:xmpp-tls';
const FEATURES_END = /<\/(?:[\w-]+:)?features\s*>|<(?:[\w-]+:)?features\b[^>]*\/>|<\/(?:[\w-]+:)?error\s*>|<\/(?:[\w-]+:)?stream\s*>/;
const ANSWER_END = /<proceed\b[^>]*\/>|<proceed\b[^>]*>[\s\S]*?<\/proceed\s*>|<failure\b[^>]*\/>|<failure\b[^>]*>[\s\S]*?<\/failure\s*>|<\/(?:[\w-]+:)?error\s*>|<\/(?:[\w-]+:)?stream\s*>/;

function attr(s: string): string {
  return s.replace(/[&<>'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function streamHeader(ctx: UpgradeContext, server: boolean): string {
  const to = ctx.serverName ? ` to='${attr(ctx.serverName)}'` : '';
  return `<?xml version='1.0'?><stream:stream xmlns='jabber:${server ? 'server' : 'client'}' xmlns:stream='http://etherx.jabber.org/streams'${to} version='1.0'>`;
}

/** The defined condition of a stream error (RFC 6120 §4.9.3), e.g. host-unknown, and its text when the server gave one. */
function streamError(text: string): string | undefined {
  const m = /<(?:[\w-]+:)?error\b[^>]*>\s*<([\w-]+)/.exec(text);
  if (!m) return undefined;
  const said = /<text\b[^>]*>([^<]*)<\/text>/.exec(text.slice(m.index));
  return said ? `${m[1]}: ${printable(said[1]!)}` : m[1];
}

export async function xmpp(d: Dialogue, ctx: UpgradeContext, server = false): Promise<void> {
  d.write(streamHeader(ctx, server));
  const features = await d.until(FEATURES_END, 'the stream features');
  const err = streamError(features);
  if (err) throw d.refuse(`the server ended the stream with the error "${err}"${err.startsWith('host-unknown') ? ' (name the XMPP domain with --sni)' : ''}`);
  if (!/<stream(?::stream)?\b/.test(features)) throw d.refuse(`the server did not open an XMPP stream ("${printable(features.slice(0, 120))}")`, 'not-tls');
  if (!new RegExp(`<starttls\\b[^>]*xmlns=['"]${TLS_NS.replace(/[.:]/g, '\\$&')}['"]`).test(features)) throw d.refuse('the server does not offer STARTTLS among its stream features');
  d.write(`<starttls xmlns='${TLS_NS}'/>`);
  const answer = await d.until(ANSWER_END, 'the answer to <starttls/>');
  if (/<proceed\b/.test(answer)) return;
  const e = streamError(answer);
  throw d.refuse(e ? `the server answered <starttls/> with the stream error "${e}"` : 'the server answered <starttls/> with <failure/>');
}
