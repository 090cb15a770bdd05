import type { Finding } from '../findings';

/** The CLI's JSON report, version 1 (see ARCHITECTURE.md, "Contracts"). */
export interface JsonReport {
  version: 1;
  findings: Array<Omit<Finding, 'related'> & { related?: Finding['related'] }>;
}

export function toJsonReport(findings: readonly Finding[]): JsonReport {
  return {
    version: 1,
    findings: findings.map((f) => {
      const { related, ...rest } = f;
      return related.length ? { ...rest, related } : rest;
    }),
  };
}
