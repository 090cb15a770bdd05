/**
 * Splitting a fleet between machines (a Kubernetes Indexed Job, a CI matrix) without overlap
 * or loss: a target belongs to shard `h mod n`, where h is the first 32 bits of the SHA-256 of
 * its key (`targetKey`). So membership depends on the target alone: the same for every order
 * of the list, unchanged for every other target when one is added or removed, and still without
 * overlap when two shards read different versions of the list (a ConfigMap updated between the
 * starts of two pods). The price is balance: shard sizes follow a binomial spread
 * (±√(N/n) or so), not N/n exactly.
 */
import { createHash } from 'node:crypto';
import type { FleetTarget } from './targets';
import { targetKey } from './targets';

export interface Shard {
  /** 0-based index, below `count`. */
  index: number;
  count: number;
}

/** The 0-based shard of a target key among `count`. */
export function shardOfKey(key: string, count: number): number {
  const h = createHash('sha256').update(key, 'utf8').digest();
  return h.readUInt32BE(0) % count;
}

export function inShard(t: FleetTarget, shard: Shard): boolean {
  return shard.count <= 1 || shardOfKey(targetKey(t.target), shard.count) === shard.index;
}

/**
 * `i/n` as people write it (1-based: `1/4` … `4/4`, as CI matrices count), or `i` with a count
 * from elsewhere. Throws an Error with a sentence on nonsense.
 */
export function parseShardSpec(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  if (!m) throw new Error(`--shard must be i/n with 1 ≤ i ≤ n, e.g. 2/4 (got "${spec}")`);
  const i = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || i < 1 || i > n) throw new Error(`--shard must be i/n with 1 ≤ i ≤ n, e.g. 2/4 (got "${spec}")`);
  return { index: i - 1, count: n };
}

/** A 0-based index (as Kubernetes' JOB_COMPLETION_INDEX) and a count. */
export function shardFromIndex(index: string, count: string, names: { index: string; count: string }): Shard {
  const i = Number(index);
  const n = Number(count);
  if (!/^\d+$/.test(count.trim()) || n < 1) throw new Error(`${names.count} must be a whole number ≥ 1 (got "${count}")`);
  if (!/^\d+$/.test(index.trim()) || i >= n) throw new Error(`${names.index} must be a whole number from 0 to ${n - 1} (got "${index}")`);
  return { index: i, count: n };
}
