/**
 * SMTP STARTTLS (RFC 3207) on 25 and 587: the 220 greeting, EHLO with the client's address
 * literal (RFC 5321 §4.1.3), STARTTLS among the EHLO keywords, then `STARTTLS` answered 220.
 */
import { isIPv6 } from 'node:net';
import { printable, type Dialogue, type UpgradeContext } from './dialogue';

export function ehloName(ctx: UpgradeContext): string {
  const a = ctx.localAddress?.replace(/^::ffff:/, '');
  if (!a) return '[127.0.0.1]';
  return isIPv6(a) ? `[IPv6:${a}]` : `[${a}]`;
}

export async function smtp(d: Dialogue, ctx: UpgradeContext): Promise<void> {
  const greeting = await d.reply('the 220 greeting');
  if (greeting.code !== 220) throw d.refuse(`the server greeted with ${greeting.code} "${printable(greeting.lines.join(' '))}" instead of 220`);
  d.write(`EHLO ${ehloName(ctx)}\r\n`);
  const ehlo = await d.reply('the answer to EHLO');
  if (ehlo.code !== 250) throw d.refuse(`EHLO was answered ${ehlo.code} "${printable(ehlo.lines.join(' '))}"`);
  if (!ehlo.lines.slice(1).some((l) => /^STARTTLS\b/i.test(l.trim()))) {
    throw d.refuse(`the server does not offer STARTTLS (its EHLO keywords: ${printable(ehlo.lines.slice(1).map((l) => l.split(' ')[0]).join(', ')) || 'none'})`);
  }
  d.write('STARTTLS\r\n');
  const go = await d.reply('the answer to STARTTLS');
  if (go.code !== 220) throw d.refuse(`STARTTLS was answered ${go.code} "${printable(go.lines.join(' '))}"`);
}
