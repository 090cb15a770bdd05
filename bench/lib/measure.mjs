// Shared helpers for the benches: medians, CPU time, the load average, a process's resident memory.
import { readFileSync } from 'node:fs';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const ms = (x) => `${x.toFixed(1)} ms`;
export const now = () => Number(process.hrtime.bigint()) / 1e6;
/** CPU time (user + system) of this process since `since` (a `process.cpuUsage()`), in ms. */
export const cpuMs = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
export const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
/** VmRSS of a process in MB (NaN when it is gone). */
export const rssMb = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
};

/** A process's CPU time (user + system) in clock ticks, from /proc. */
const cpuTicks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
};

/** Resolves once process `pid` has used no CPU for `quietMs` (work it started in the background is done), or after `maxMs`. */
export async function whenIdle(pid, quietMs = 400, maxMs = 120_000) {
  const step = 100;
  let last = cpuTicks(pid);
  let quiet = 0;
  for (let waited = 0; waited < maxMs; waited += step) {
    await new Promise((r) => setTimeout(r, step));
    const t = cpuTicks(pid);
    quiet = t === last ? quiet + step : 0;
    last = t;
    if (quiet >= quietMs) return true;
  }
  return false;
}
