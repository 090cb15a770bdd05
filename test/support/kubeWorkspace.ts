/** Temporary Kubernetes workspaces for the cross-file tests, and the bundled CLI run over them. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DAY, makeCert } from './certs';
import { repoPath } from './tools';

/** A folder under the system's temporary directory holding `files` (relative name → text). */
export class TempWorkspace {
  readonly dir: string;

  constructor(prefix: string, files: Readonly<Record<string, string>> = {}) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    for (const [name, text] of Object.entries(files)) this.write(name, text);
  }

  /** Writes a file, making its folders. */
  write(name: string, text: string): string {
    const p = this.path(name);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
    return p;
  }

  path(name: string): string {
    return path.join(this.dir, name);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Certificates valid around now: `narrow` names shop.example.com, `wide` also api.example.com. */
export async function shopCertificates(): Promise<{ narrow: string; wide: string }> {
  const now = Date.now();
  const valid = { notBefore: new Date(now - DAY), notAfter: new Date(now + 300 * DAY) };
  const narrow = (await makeCert({ cn: 'shop.example.com', dns: ['shop.example.com'], ...valid })).pem;
  const wide = (await makeCert({ cn: 'shop.example.com', dns: ['shop.example.com', 'api.example.com'], ...valid })).pem;
  return { narrow, wide };
}

export interface CliFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  range: { start: { line: number; character: number } };
  assumptions?: string[];
  resource?: { kind: string; name: string; namespace?: string };
  related?: Array<{ file: string; range: { start: { line: number } } }>;
}

/** `tls-lens check . --format json` with the bundled CLI in `dir`: exit status, stderr and the findings. */
export function checkJson(dir: string): { status: number | null; stderr: string; stdout: string; findings: CliFinding[] } {
  const r = spawnSync(process.execPath, [repoPath('dist', 'cli.js'), 'check', '.', '--format', 'json'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  let findings: CliFinding[] = [];
  try {
    findings = (JSON.parse(r.stdout) as { findings: CliFinding[] }).findings;
  } catch {
    // Left empty: the caller's assertions show stdout and stderr.
  }
  return { status: r.status, stderr: r.stderr, stdout: r.stdout, findings };
}
