/** Compares dotted nginx versions ("1.25.1" < "1.27.3"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Whether the targeted nginx is at least `version`. An unknown target (no `nginxVersion`
 * in the policy) counts as current: advice for new nginx applies.
 */
export function targetsAtLeast(nginxVersion: string | undefined, version: string): boolean {
  return nginxVersion === undefined || compareVersions(nginxVersion, version) >= 0;
}
