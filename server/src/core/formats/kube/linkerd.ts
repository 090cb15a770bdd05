import type { KNode } from './node';
import { resourceKindKey, type KubeResource } from './resources';

const WORKLOADS = ['Deployment.apps', 'StatefulSet.apps', 'DaemonSet.apps', 'ReplicaSet.apps', 'Job.batch'];

/** The kinds whose proxy annotations `podAnnotations` reads. */
export const POD_ANNOTATION_KINDS: readonly string[] = ['Namespace', 'Pod', ...WORKLOADS, 'CronJob.batch'];

/** Where a resource's proxy annotations live: a Namespace's or Pod's metadata, a workload's pod template (CronJob: its job template). */
export function podAnnotations(r: KubeResource): KNode | undefined {
  const k = resourceKindKey(r);
  if (k === 'Namespace' || k === 'Pod') return r.metadata.get('annotations');
  if (WORKLOADS.includes(k)) return r.spec.get('template', 'metadata', 'annotations');
  if (k === 'CronJob.batch') return r.spec.get('jobTemplate', 'spec', 'template', 'metadata', 'annotations');
  return undefined;
}

/** An annotation's value and node, when set. */
export function annotation(r: KubeResource, key: string): { value: string; node: KNode } | undefined {
  const a = podAnnotations(r);
  if (!a) return undefined;
  const node = a.get(key);
  const value = node.str();
  return value === undefined ? undefined : { value: value.trim(), node };
}
