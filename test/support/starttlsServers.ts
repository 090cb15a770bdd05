/**
 * Real Debian servers that upgrade to TLS by their own protocol, for the STARTTLS probe
 * tests: postfix (SMTP), dovecot (IMAP, POP3 and their implicit-TLS ports), PostgreSQL,
 * slapd (LDAP), MariaDB, vsftpd (FTP) and prosody (XMPP). Each runs in the foreground from a
 * private prefix with its own configuration, on 127.0.0.1 (or a `host` of 127/8) and ports
 * picked here, with the certificate chain and key the test gives; the test starts and stops
 * it. They run as root (postgres under its own user, as it insists), as here and in CI.
 *
 *   const srv = await startStarttlsServer('postfix', { chainPem, keyPem });
 *   … srv.port(‘smtp’) …
 *   await srv.stop();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StarttlsProtocol } from '../../server/src/core/probe/types';
import { dhParams2048Pem, freePort, isListening } from './nginxServer';
import { toolsRequired } from './tools';

export type StarttlsServerName = 'postfix' | 'dovecot' | 'postgresql' | 'slapd' | 'mariadb' | 'vsftpd' | 'prosody';

/** A listener of a started server: what it speaks and whether TLS starts at once (implicit) or after the upgrade. */
export interface Listener {
  protocol: StarttlsProtocol;
  implicit: boolean;
  port: number;
}

export interface StarttlsServer {
  name: StarttlsServerName;
  host: string;
  listeners: Listener[];
  /** The STARTTLS port of `protocol` (or its implicit-TLS port). */
  port(protocol: StarttlsProtocol, implicit?: boolean): number;
  /** The server's log so far (stdout, stderr and its log file). */
  log(): string;
  stop(): Promise<void>;
}

export interface ServerTls {
  /** Leaf first, then intermediates. */
  chainPem: string;
  keyPem: string;
  /** The name the leaf covers (XMPP's domain, the SMTP banner). */
  domain?: string;
}

export interface StartOptions {
  /** Any address of 127/8 (default 127.0.0.1). */
  host?: string;
  /** Fixed ports per listener key (default: free ports). */
  ports?: Partial<Record<string, number>>;
  /** Serve the protocol without TLS (the upgrade is not offered or refused), to test what the probe says. */
  noTls?: boolean;
}

/** Debian packages of each server, for `.ci/run` and skip messages. */
export const SERVER_PACKAGES: Readonly<Record<StarttlsServerName, string>> = {
  postfix: 'postfix',
  dovecot: 'dovecot-imapd dovecot-pop3d',
  postgresql: 'postgresql',
  slapd: 'slapd',
  mariadb: 'mariadb-server',
  vsftpd: 'vsftpd',
  prosody: 'prosody',
};

function which(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function postgresBin(tool: 'postgres' | 'initdb'): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', tool))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin', tool) : undefined;
}

const BINARIES: Readonly<Record<StarttlsServerName, () => string | undefined>> = {
  postfix: () => which('postfix'),
  dovecot: () => which('dovecot'),
  postgresql: () => postgresBin('postgres'),
  slapd: () => which('slapd'),
  mariadb: () => which('mariadbd'),
  vsftpd: () => which('vsftpd'),
  prosody: () => which('prosody'),
};

/**
 * Whether `name` can be started here: undefined when it can, else a skip reason. With
 * TLS_LENS_REQUIRE_TOOLS=1 a missing server (or not being root) throws instead.
 */
export function serverSkip(name: StarttlsServerName): string | undefined {
  let reason: string | undefined;
  if (!BINARIES[name]()) reason = `${name} is not installed (apt-get install ${SERVER_PACKAGES[name]}); skipped`;
  else if (process.getuid?.() !== 0) reason = `${name} is started as root by the test (as in CI); not root here, skipped`;
  if (reason && toolsRequired) throw new Error(`${reason.replace('; skipped', '')}, and TLS_LENS_REQUIRE_TOOLS=1 requires it`);
  return reason;
}

function uidOf(user: string): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`no user ${user}`);
  return { uid, gid };
}

interface Plan {
  /** Listener keys → protocol and implicit-ness. */
  listeners: Record<string, { protocol: StarttlsProtocol; implicit: boolean }>;
  /** Writes the configuration into `dir` and returns the command to run (in the foreground). */
  prepare(dir: string, host: string, ports: Record<string, number>, tls: { chain: string; key: string; domain: string; enabled: boolean }): { cmd: string; args: string[]; uid?: number; gid?: number; logFile?: string; pidFile?: string; stopSignal?: NodeJS.Signals };
}

const PLANS: Readonly<Record<StarttlsServerName, Plan>> = {
  postfix: {
    listeners: { smtp: { protocol: 'smtp', implicit: false }, smtps: { protocol: 'smtp', implicit: true } },
    prepare(dir, host, ports, tls) {
      const conf = path.join(dir, 'conf');
      mkdirSync(conf);
      mkdirSync(path.join(dir, 'queue'));
      const data = path.join(dir, 'data');
      mkdirSync(data);
      const pf = uidOf('postfix');
      chownSync(data, pf.uid, pf.gid);
      writeFileSync(
        path.join(conf, 'main.cf'),
        [
          'compatibility_level = 3.6',
          `queue_directory = ${dir}/queue`,
          `data_directory = ${data}`,
          'mail_owner = postfix',
          'setgid_group = postdrop',
          'inet_interfaces = 127.0.0.1',
          'inet_protocols = ipv4',
          `myhostname = ${tls.domain}`,
          'mydestination =',
          ...(tls.enabled ? [`smtpd_tls_chain_files = ${tls.key}, ${tls.chain}`, 'smtpd_tls_security_level = may'] : ['smtpd_tls_security_level = none']),
          `maillog_file = ${dir}/maillog`,
          `maillog_file_prefixes = ${dir}`,
          'shlib_directory = /usr/lib/postfix',
          'daemon_directory = /usr/lib/postfix/sbin',
          'command_directory = /usr/sbin',
          'meta_directory = /etc/postfix',
          '',
        ].join('\n'),
      );
      writeFileSync(
        path.join(conf, 'master.cf'),
        [
          `${host}:${ports.smtp} inet n - n - - smtpd`,
          ...(tls.enabled ? [`${host}:${ports.smtps} inet n - n - - smtpd -o smtpd_tls_wrappermode=yes`] : []),
          'cleanup unix n - n - 0 cleanup',
          'qmgr unix n - n 300 1 qmgr',
          'tlsmgr unix - - n 1000? 1 tlsmgr',
          'rewrite unix - - n - - trivial-rewrite',
          'bounce unix - - n - 0 bounce',
          'defer unix - - n - 0 bounce',
          'trace unix - - n - 0 bounce',
          'verify unix - - n - 1 verify',
          'proxymap unix - - n - - proxymap',
          'anvil unix - - n - 1 anvil',
          'scache unix - - n - 1 scache',
          'postlog unix-dgram n - n - 1 postlogd',
          '',
        ].join('\n'),
      );
      // `postfix check` makes the queue directories; master -d stays in the foreground (start-fg
      // fails without a terminal), and stops its smtpd processes on SIGTERM.
      const check = spawnSync(BINARIES.postfix()!, ['-c', conf, 'check'], { encoding: 'utf8', timeout: 30_000 });
      if (check.status !== 0) throw new Error(`postfix check failed: ${check.stderr}`);
      return { cmd: '/usr/lib/postfix/sbin/master', args: ['-c', conf, '-d'], logFile: path.join(dir, 'maillog') };
    },
  },
  dovecot: {
    listeners: {
      imap: { protocol: 'imap', implicit: false },
      imaps: { protocol: 'imap', implicit: true },
      pop3: { protocol: 'pop3', implicit: false },
      pop3s: { protocol: 'pop3', implicit: true },
    },
    prepare(dir, host, ports, tls) {
      const listener = (name: string, port: number): string => `  inet_listener ${name} {\n    address = ${host}\n    port = ${port}\n  }\n`;
      const conf = path.join(dir, 'dovecot.conf');
      // Without ssl_dh, dovecot closes the connection whenever it picks a DHE suite.
      writeFileSync(path.join(dir, 'dh.pem'), dhParams2048Pem());
      writeFileSync(
        conf,
        `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap pop3
listen = ${host}
${tls.enabled ? `ssl = yes\nssl_cert = <${tls.chain}\nssl_key = <${tls.key}\nssl_dh = <${dir}/dh.pem\nssl_min_protocol = TLSv1.2` : 'ssl = no\ndisable_plaintext_auth = no'}
default_internal_user = dovecot
default_login_user = dovenull
auth_mechanisms = plain
passdb {
  driver = static
  args = password=unused
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/home
}
# High-performance mode (a login process serves many connections), as large sites run it: a scan opens hundreds.
service imap-login {
  service_count = 0
  process_min_avail = 1
${listener('imap', ports.imap!)}${tls.enabled ? listener('imaps', ports.imaps!) : ''}}
service pop3-login {
  service_count = 0
  process_min_avail = 1
${listener('pop3', ports.pop3!)}${tls.enabled ? listener('pop3s', ports.pop3s!) : ''}}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
      );
      return { cmd: BINARIES.dovecot()!, args: ['-F', '-c', conf], logFile: path.join(dir, 'dovecot.log') };
    },
  },
  postgresql: {
    listeners: { postgres: { protocol: 'postgres', implicit: false } },
    prepare(dir, host, ports, tls) {
      const pg = uidOf('postgres');
      const data = path.join(dir, 'data');
      chownSync(dir, pg.uid, pg.gid);
      for (const f of [tls.chain, tls.key]) chownSync(f, pg.uid, pg.gid);
      const r = spawnSync(postgresBin('initdb')!, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions'], {
        uid: pg.uid,
        gid: pg.gid,
        cwd: dir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr}`);
      return {
        cmd: BINARIES.postgresql()!,
        args: ['-D', data, '-c', `listen_addresses=${host}`, '-c', `port=${ports.postgres}`, '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off', ...(tls.enabled ? ['-c', 'ssl=on', '-c', `ssl_cert_file=${tls.chain}`, '-c', `ssl_key_file=${tls.key}`] : ['-c', 'ssl=off'])],
        uid: pg.uid,
        gid: pg.gid,
        stopSignal: 'SIGINT',
      };
    },
  },
  slapd: {
    listeners: { ldap: { protocol: 'ldap', implicit: false }, ldaps: { protocol: 'ldap', implicit: true } },
    prepare(dir, host, ports, tls) {
      const conf = path.join(dir, 'slapd.conf');
      writeFileSync(
        conf,
        `include /etc/ldap/schema/core.schema
pidfile ${dir}/slapd.pid
argsfile ${dir}/slapd.args
${tls.enabled ? `TLSCertificateFile ${tls.chain}\nTLSCertificateKeyFile ${tls.key}` : ''}
database config
`,
      );
      const urls = `ldap://${host}:${ports.ldap}/${tls.enabled ? ` ldaps://${host}:${ports.ldaps}/` : ''}`;
      return { cmd: BINARIES.slapd()!, args: ['-d', '0', '-f', conf, '-h', urls], stopSignal: 'SIGINT' };
    },
  },
  mariadb: {
    listeners: { mysql: { protocol: 'mysql', implicit: false } },
    prepare(dir, host, ports, tls) {
      mkdirSync(path.join(dir, 'data'));
      return {
        cmd: BINARIES.mariadb()!,
        args: [
          '--no-defaults',
          `--datadir=${dir}/data`,
          `--socket=${dir}/mysqld.sock`,
          `--pid-file=${dir}/mysqld.pid`,
          `--port=${ports.mysql}`,
          `--bind-address=${host}`,
          '--user=root',
          '--skip-grant-tables',
          '--skip-log-bin',
          '--innodb=OFF',
          '--default-storage-engine=Aria',
          '--default-tmp-storage-engine=Aria',
          ...(tls.enabled ? [`--ssl-cert=${tls.chain}`, `--ssl-key=${tls.key}`] : ['--skip-ssl']),
        ],
      };
    },
  },
  vsftpd: {
    listeners: { ftp: { protocol: 'ftp', implicit: false } },
    prepare(dir, host, ports, tls) {
      const empty = path.join(dir, 'empty');
      mkdirSync(empty, { mode: 0o755 });
      const conf = path.join(dir, 'vsftpd.conf');
      writeFileSync(
        conf,
        [
          'listen=YES',
          'listen_ipv6=NO',
          `listen_address=${host}`,
          `listen_port=${ports.ftp}`,
          'background=NO',
          'anonymous_enable=NO',
          'local_enable=YES',
          ...(tls.enabled ? ['ssl_enable=YES', `rsa_cert_file=${tls.chain}`, `rsa_private_key_file=${tls.key}`] : ['ssl_enable=NO']),
          `secure_chroot_dir=${empty}`,
          'seccomp_sandbox=NO',
          'pasv_enable=NO',
          'xferlog_enable=NO',
          '',
        ].join('\n'),
      );
      return { cmd: BINARIES.vsftpd()!, args: [conf] };
    },
  },
  prosody: {
    listeners: { xmpp: { protocol: 'xmpp', implicit: false }, xmpps: { protocol: 'xmpp', implicit: true } },
    prepare(dir, host, ports, tls) {
      mkdirSync(path.join(dir, 'data'));
      const conf = path.join(dir, 'prosody.cfg.lua');
      writeFileSync(
        conf,
        `run_as_root = true
daemonize = false
pidfile = "${dir}/prosody.pid"
data_path = "${dir}/data"
modules_enabled = { ${tls.enabled ? '"tls"; ' : ''}"disco"; }
modules_disabled = { "s2s"; }
c2s_ports = { ${ports.xmpp} }
c2s_interfaces = { "${host}" }
c2s_direct_tls_ports = { ${tls.enabled ? ports.xmpps : ''} }
c2s_direct_tls_interfaces = { "${host}" }
c2s_direct_tls_ssl = { key = "${tls.key}"; certificate = "${tls.chain}"; }
s2s_ports = { }
legacy_ssl_ports = { }
http_ports = { }
https_ports = { }
authentication = "anonymous"
log = { { levels = { min = "info" }, to = "file", filename = "${dir}/prosody.log" } }
VirtualHost "${tls.domain}"
  ssl = { key = "${tls.key}"; certificate = "${tls.chain}"; }
-- sslscan 2.0.7 names the host it connects to in the stream's \`to\`.
VirtualHost "${host}"
  ssl = { key = "${tls.key}"; certificate = "${tls.chain}"; }
`,
      );
      return { cmd: BINARIES.prosody()!, args: ['--config', conf], logFile: path.join(dir, 'prosody.log') };
    },
  },
};

async function waitUp(host: string, ports: number[], child: ChildProcess, until: number, output: () => string): Promise<void> {
  for (const port of ports) {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
      if (await isListening(host, port)) break;
      if (Date.now() > until) throw new Error(`did not listen on ${host}:${port} within 20 s:\n${output()}`);
      await new Promise((r) => setTimeout(r, 30));
    }
  }
}

/** Starts one of the servers with `tls`; throws with its output when it does not come up. */
export async function startStarttlsServer(name: StarttlsServerName, tls: ServerTls, opts: StartOptions = {}): Promise<StarttlsServer> {
  const host = opts.host ?? '127.0.0.1';
  const plan = PLANS[name];
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `tls-lens-${name}-`));
    chmodSync(dir, 0o755);
    const chain = path.join(dir, 'chain.pem');
    const key = path.join(dir, 'key.pem');
    writeFileSync(chain, tls.chainPem);
    writeFileSync(key, tls.keyPem, { mode: 0o600 });
    const ports: Record<string, number> = {};
    for (const k of Object.keys(plan.listeners)) ports[k] = opts.ports?.[k] ?? (await freePort(host));
    let out = '';
    let child: ChildProcess | undefined;
    let run: ReturnType<Plan['prepare']> | undefined;
    const output = (): string => {
      let file = '';
      try {
        if (run?.logFile) file = readFileSync(run.logFile, 'utf8');
      } catch {
        file = '';
      }
      return out + file;
    };
    const killAll = async (): Promise<void> => {
      const pids: number[] = [];
      try {
        if (run?.pidFile) pids.push(Number(readFileSync(run.pidFile, 'utf8').trim()));
      } catch {
        // No pid file: the child is the server.
      }
      const exited = child && child.exitCode === null && child.signalCode === null ? new Promise<void>((r) => child!.once('exit', () => r())) : Promise.resolve();
      for (const pid of pids) if (Number.isInteger(pid) && pid > 0) killQuietly(pid, run?.stopSignal ?? 'SIGTERM');
      if (child?.pid) killQuietly(child.pid, run?.stopSignal ?? 'SIGTERM');
      const timer = setTimeout(() => {
        if (child?.pid) killQuietly(child.pid, 'SIGKILL');
        for (const pid of pids) killQuietly(pid, 'SIGKILL');
      }, 5000);
      await exited;
      // A daemon's own pid (postfix master) may outlive the child that started it.
      for (const pid of pids) for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
      clearTimeout(timer);
    };
    try {
      run = plan.prepare(dir, host, ports, { chain, key, domain: tls.domain ?? 'localhost', enabled: !opts.noTls });
      child = spawn(run.cmd, run.args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], ...(run.uid !== undefined ? { uid: run.uid, gid: run.gid } : {}) });
      child.on('error', (e) => (out += `spawn: ${e.message}\n`));
      child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d));
      await waitUp(host, Object.entries(ports).filter(([k]) => !opts.noTls || !plan.listeners[k]!.implicit).map(([, p]) => p), child, Date.now() + 20_000, output);
    } catch (e) {
      await killAll();
      rmSync(dir, { recursive: true, force: true });
      lastError = new Error(`${name}: ${(e as Error).message}`);
      if (/in use|EADDRINUSE|Address already/i.test(output()) && !opts.ports) continue;
      break;
    }
    const listeners: Listener[] = Object.entries(plan.listeners)
      .filter(([, l]) => !opts.noTls || !l.implicit)
      .map(([k, l]) => ({ ...l, port: ports[k]! }));
    let stopped = false;
    return {
      name,
      host,
      listeners,
      port(protocol, implicit = false) {
        const l = listeners.find((x) => x.protocol === protocol && x.implicit === implicit);
        if (!l) throw new Error(`${name} has no ${implicit ? 'implicit-TLS ' : ''}${protocol} listener`);
        return l.port;
      },
      log: output,
      async stop() {
        if (stopped) return;
        stopped = true;
        await killAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw lastError instanceof Error ? lastError : new Error(`${name} did not start`);
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
