/** FTP AUTH TLS (RFC 4217 §4) on 21: the 220 greeting, then `AUTH TLS` answered 234. */
import { printable, type Dialogue } from './dialogue';

export async function ftp(d: Dialogue): Promise<void> {
  const greeting = await d.reply('the 220 greeting');
  if (greeting.code !== 220) throw d.refuse(`the server greeted with ${greeting.code} "${printable(greeting.lines.join(' '))}" instead of 220`);
  d.write('AUTH TLS\r\n');
  const go = await d.reply('the answer to AUTH TLS');
  if (go.code !== 234) throw d.refuse(`AUTH TLS was answered ${go.code} "${printable(go.lines.join(' '))}" (does the server offer TLS?)`);
}
