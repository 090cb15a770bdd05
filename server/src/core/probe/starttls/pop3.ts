/** POP3 STLS (RFC 2595 §4) on 110: a `+OK` greeting, then `STLS` answered `+OK`. */
import { printable, type Dialogue } from './dialogue';

export async function pop3(d: Dialogue): Promise<void> {
  const greeting = await d.line('the "+OK" greeting');
  if (!/^\+OK/i.test(greeting)) throw d.refuse(`the server greeted with "${printable(greeting)}" instead of "+OK"`);
  d.write('STLS\r\n');
  const go = await d.line('the answer to STLS');
  if (!/^\+OK/i.test(go)) throw d.refuse(`STLS was answered "${printable(go)}" (does the server offer STLS?)`);
}
