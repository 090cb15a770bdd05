/**
 * IMAP STARTTLS (RFC 9051 §6.2.1, RFC 2595) on 143: an `* OK` greeting, then a tagged
 * STARTTLS answered `OK`. A `* PREAUTH` greeting cannot upgrade (RFC 9051 §7.1.4), `* BYE` refuses.
 */
import { printable, type Dialogue } from './dialogue';

const TAG = 'tlslens1';

export async function imap(d: Dialogue): Promise<void> {
  const greeting = await d.line('the "* OK" greeting');
  if (/^\* PREAUTH/i.test(greeting)) throw d.refuse('the server greeted with PREAUTH: the session is already authenticated and cannot start TLS (RFC 9051 §7.1.4)');
  if (!/^\* OK/i.test(greeting)) throw d.refuse(`the server greeted with "${printable(greeting)}" instead of "* OK"`);
  d.write(`${TAG} STARTTLS\r\n`);
  for (;;) {
    const l = await d.line('the answer to STARTTLS');
    if (l.startsWith('* ')) continue;
    if (!l.startsWith(`${TAG} `)) continue;
    if (/^\S+ OK/i.test(l)) return;
    throw d.refuse(`STARTTLS was answered "${printable(l.slice(TAG.length + 1))}" (does the server offer STARTTLS?)`);
  }
}
