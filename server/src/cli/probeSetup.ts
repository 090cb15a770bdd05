/**
 * What a probe needs before it starts, shared by one probe (cli/probe.ts), the fleet
 * (cli/fleet.ts) and merge (cli/merge.ts): the policy (--policy, else the nearest policy file from the current folder),
 * the PEM files of --ca / --client-cert / --client-key, the configuration of --config DIR.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ConfinedHost, PolicyFileFinder, RULE_IDS, resolvePolicy, type Host, type Policy, type PolicyInput } from '../core';
import { collectConfigSources, type ConfigSources } from '../core/probe/config/compare';
import type { NodeHost } from '../host/nodeHost';
import { UsageError } from './args';

export function readPem(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** The policy a probe judges by: --policy, else the nearest policy file from the current folder. Undefined after printing a broken --policy's problems. */
export async function probePolicy(host: NodeHost, args: { policy?: string; profile?: string }, err: NodeJS.WritableStream): Promise<Policy | undefined> {
  const finder = new PolicyFileFinder(host, RULE_IDS);
  const policyFile = args.policy ? await finder.load(path.resolve(args.policy)) : await finder.forFile(path.join(process.cwd(), '.tls-lens-probe'));
  if (policyFile?.problems.length) {
    for (const p of policyFile.problems) err.write(`tls-lens: ${policyFile.path}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.message}\n`);
    if (args.policy) return undefined;
  }
  const flags: PolicyInput = {};
  if (args.profile) flags.profile = args.profile;
  return resolvePolicy(policyFile && !policyFile.problems.length ? policyFile.input : undefined, flags);
}

/**
 * The host the comparison reads through: the --config folders and the folders pathMappings
 * name, nothing else (an include of /etc/nginx/… is judged by what the folders hold, as `check` does).
 */
export function confinedTo(host: Host, dirs: readonly string[], policy: Policy): ConfinedHost {
  const roots = dirs.map((d) => path.resolve(d));
  const confined = new ConfinedHost(host, () => roots);
  for (const to of Object.values(policy.pathMappings)) confined.allow(to);
  return confined;
}

/** The configuration to compare with (--config DIR…), or undefined without it. */
export async function configSources(host: NodeHost, dirs: readonly string[], policy: Policy): Promise<ConfigSources | undefined> {
  for (const d of dirs) {
    let dir = false;
    try {
      dir = statSync(d).isDirectory();
    } catch {
      dir = false;
    }
    if (!dir) throw new UsageError(`--config ${d}: not a folder`);
  }
  if (!dirs.length) return undefined;
  const sources = await collectConfigSources(confinedTo(host, dirs, policy), dirs.map((d) => path.resolve(d)), { maxFileBytes: policy.maxFileSizeBytes });
  if (policy.nginxVersion !== undefined) sources.nginxVersion = policy.nginxVersion;
  sources.pathMappings = policy.pathMappings;
  return sources;
}

export const relativeToCwd = (f: string): { file: string } => ({ file: path.relative(process.cwd(), f) || f });
