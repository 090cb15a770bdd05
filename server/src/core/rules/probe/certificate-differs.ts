import type { RuleMeta } from '../rule';

/** Judged by core/probe/config/compare.ts when a probe is compared with the workspace's configuration. */
export const certificateDiffers: RuleMeta = {
  id: 'probe/certificate-differs',
  title: 'The live endpoint sends another certificate than the workspace configures for it',
  defaultSeverity: 'warning',
  formats: [],
};
