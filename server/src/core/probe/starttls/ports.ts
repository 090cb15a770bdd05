/**
 * Which protocol a port speaks when nobody says: the IANA service names registry's well-known
 * ports for STARTTLS services (RFC 3207 SMTP on 25 and 587 — RFC 6409 submission —, IMAP 143,
 * POP3 110, FTP 21, LDAP 389, XMPP 5222/5269, PostgreSQL 5432, MySQL 3306) and for implicit
 * TLS (submissions 465 — RFC 8314 —, imaps 993, pop3s 995, ftps 990, ldaps 636, xmpps 5223
 * — XEP-0368 —, DNS over TLS 853 — RFC 7858 —, secure MQTT 8883, ircs 6697 — RFC 7194).
 */
import { STARTTLS_PROTOCOLS, type ApplicationProtocol, type ProbeTarget, type StarttlsProtocol } from '../types';

export const STARTTLS_PORTS: Readonly<Record<number, StarttlsProtocol>> = {
  21: 'ftp',
  25: 'smtp',
  110: 'pop3',
  143: 'imap',
  389: 'ldap',
  587: 'smtp',
  3306: 'mysql',
  5222: 'xmpp',
  5269: 'xmpp-server',
  5432: 'postgres',
};

export const IMPLICIT_TLS_PORTS: Readonly<Record<number, Exclude<ApplicationProtocol, 'http'>>> = {
  465: 'smtp',
  636: 'ldap',
  853: 'dns',
  990: 'ftp',
  993: 'imap',
  995: 'pop3',
  5223: 'xmpp',
  6697: 'irc',
  8883: 'mqtt',
};

const ALIASES: Readonly<Record<string, StarttlsProtocol>> = {
  submission: 'smtp',
  postgresql: 'postgres',
  psql: 'postgres',
  pgsql: 'postgres',
  mariadb: 'mysql',
  'xmpp-client': 'xmpp',
};

/** Names of implicit-TLS services (TLS from the first byte, another protocol inside). */
const IMPLICIT_NAMES: Readonly<Record<string, ApplicationProtocol>> = {
  https: 'http',
  smtps: 'smtp',
  submissions: 'smtp',
  imaps: 'imap',
  pop3s: 'pop3',
  ldaps: 'ldap',
  ftps: 'ftp',
  xmpps: 'xmpp',
  dot: 'dns',
  mqtts: 'mqtt',
  ircs: 'irc',
};

/**
 * What `--starttls` says: an upgrade to speak first; TLS from the first byte with a named
 * protocol inside (`imaps`, `ldaps` … for a service on another port than its own); or `none`
 * (TLS from the first byte, what runs inside decided by the port).
 */
export type ProtocolOption = { starttls: StarttlsProtocol } | { implicit: ApplicationProtocol } | 'none';

/** Every name `parseStarttlsName` takes, for usage messages. */
export const PROTOCOL_OPTION_NAMES: readonly string[] = [...STARTTLS_PROTOCOLS, ...Object.keys(ALIASES), ...Object.keys(IMPLICIT_NAMES), 'none'];

/** `--starttls NAME`: a protocol, an alias (psql, mariadb, submission …), an implicit-TLS name (imaps, ldaps …) or `none`. */
export function parseStarttlsName(name: string): ProtocolOption | undefined {
  const n = name.trim().toLowerCase();
  if (n === 'none' || n === 'off' || n === 'no') return 'none';
  if ((STARTTLS_PROTOCOLS as readonly string[]).includes(n)) return { starttls: n as StarttlsProtocol };
  if (ALIASES[n]) return { starttls: ALIASES[n] };
  if (IMPLICIT_NAMES[n]) return { implicit: IMPLICIT_NAMES[n] };
  return undefined;
}

export type ProtocolChoice = Pick<ProbeTarget, 'starttls' | 'application' | 'protocolChosenBy'>;

/**
 * The protocol of a target: the option when given, else the port's well-known STARTTLS or
 * implicit-TLS service, else HTTPS (nothing set).
 */
export function chooseProtocol(port: number, option?: ProtocolOption): ProtocolChoice {
  const implicit = IMPLICIT_TLS_PORTS[port];
  if (option === 'none') return implicit ? { application: implicit, protocolChosenBy: 'port' } : { protocolChosenBy: 'option' };
  if (option && 'starttls' in option) return { starttls: option.starttls, application: option.starttls, protocolChosenBy: 'option' };
  if (option) return { application: option.implicit, protocolChosenBy: 'option' };
  const starttls = STARTTLS_PORTS[port];
  if (starttls) return { starttls, application: starttls, protocolChosenBy: 'port' };
  if (implicit) return { application: implicit, protocolChosenBy: 'port' };
  return {};
}

/** URL schemes a target may carry (`smtp://mail.example.com`, `ldaps://dir:1636`): the default port and the protocol. */
export const SCHEMES: Readonly<Record<string, { port: number; option: ProtocolOption }>> = {
  https: { port: 443, option: { implicit: 'http' } },
  smtp: { port: 25, option: { starttls: 'smtp' } },
  submission: { port: 587, option: { starttls: 'smtp' } },
  smtps: { port: 465, option: { implicit: 'smtp' } },
  imap: { port: 143, option: { starttls: 'imap' } },
  imaps: { port: 993, option: { implicit: 'imap' } },
  pop3: { port: 110, option: { starttls: 'pop3' } },
  pop3s: { port: 995, option: { implicit: 'pop3' } },
  ftp: { port: 21, option: { starttls: 'ftp' } },
  ftps: { port: 990, option: { implicit: 'ftp' } },
  ldap: { port: 389, option: { starttls: 'ldap' } },
  ldaps: { port: 636, option: { implicit: 'ldap' } },
  xmpp: { port: 5222, option: { starttls: 'xmpp' } },
  postgres: { port: 5432, option: { starttls: 'postgres' } },
  postgresql: { port: 5432, option: { starttls: 'postgres' } },
  mysql: { port: 3306, option: { starttls: 'mysql' } },
  mariadb: { port: 3306, option: { starttls: 'mysql' } },
};

/** Display names, for messages and reports. */
export const PROTOCOL_NAMES: Readonly<Record<ApplicationProtocol, string>> = {
  http: 'HTTP',
  smtp: 'SMTP',
  imap: 'IMAP',
  pop3: 'POP3',
  ftp: 'FTP',
  ldap: 'LDAP',
  xmpp: 'XMPP',
  'xmpp-server': 'XMPP (server to server)',
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
  dns: 'DNS',
  mqtt: 'MQTT',
  irc: 'IRC',
};

/** The upgrade command each protocol calls its STARTTLS by. */
const UPGRADE_NAMES: Readonly<Partial<Record<StarttlsProtocol, string>>> = { pop3: 'STLS', ftp: 'AUTH TLS', ldap: 'StartTLS', postgres: 'SSLRequest', mysql: 'SSL request' };

/** "SMTP STARTTLS", "POP3 STLS", "IMAP over TLS", "HTTPS". */
export function protocolLabel(t: Pick<ProbeTarget, 'starttls' | 'application'>): string {
  if (t.starttls) return `${PROTOCOL_NAMES[t.starttls]} ${UPGRADE_NAMES[t.starttls] ?? 'STARTTLS'}`;
  const app = t.application;
  return !app || app === 'http' ? 'HTTPS' : `${PROTOCOL_NAMES[app]} over TLS`;
}
