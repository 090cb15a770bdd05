/**
 * Upgrades to TLS by an application protocol's own command, one file per protocol. The raw
 * scanner's every connection and the node:tls handshake call `upgradeSocket` after the TCP
 * connect and before their first TLS byte; the caller's timeout and abort cover the dialogue.
 */
import type * as net from 'node:net';
import type { StarttlsProtocol } from '../types';
import { Dialogue, type UpgradeContext } from './dialogue';
import { ftp } from './ftp';
import { PROTOCOL_NAMES } from './ports';
import { imap } from './imap';
import { ldap } from './ldap';
import { mysql } from './mysql';
import { pop3 } from './pop3';
import { postgres } from './postgres';
import { smtp } from './smtp';
import { xmpp } from './xmpp';

export type { UpgradeContext } from './dialogue';
export { chooseProtocol, parseStarttlsName, protocolLabel, PROTOCOL_NAMES, PROTOCOL_OPTION_NAMES, STARTTLS_PORTS, IMPLICIT_TLS_PORTS, type ProtocolChoice, type ProtocolOption } from './ports';

const UPGRADES: Readonly<Record<StarttlsProtocol, (d: Dialogue, ctx: UpgradeContext) => Promise<void>>> = {
  smtp,
  imap,
  pop3,
  ftp,
  ldap,
  xmpp: (d, ctx) => xmpp(d, ctx, false),
  'xmpp-server': (d, ctx) => xmpp(d, ctx, true),
  postgres,
  mysql,
};

/** An upgrade in progress on one socket: what it waits for, for a timeout's message. */
export interface Upgrading {
  done: Promise<Buffer>;
  /** "the SMTP dialogue (waiting for the answer to EHLO)". */
  describe(): string;
}

/**
 * Runs the protocol's dialogue on a connected socket. Resolves with the bytes the server sent
 * past its go-ahead (normally none) once TLS may start; rejects with a ProbeError ('starttls'
 * when the server does not offer or refuses the upgrade, 'reset', 'protocol', 'not-tls').
 */
export function upgradeSocket(socket: net.Socket, protocol: StarttlsProtocol, ctx: UpgradeContext): Upgrading {
  const d = new Dialogue(socket, PROTOCOL_NAMES[protocol]);
  const done = UPGRADES[protocol](d, { ...ctx, localAddress: ctx.localAddress ?? socket.localAddress }).then(
    () => d.release(),
    (e: unknown) => {
      d.release();
      throw e;
    },
  );
  return { done, describe: () => `the ${d.protocol} dialogue before TLS (waiting for ${d.waitingFor}${d.last ? `; the server last said "${d.last}"` : ''})` };
}
