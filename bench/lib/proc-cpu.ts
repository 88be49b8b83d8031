/**
 * CPU time per process from /proc/<pid>/stat (utime + stime, in clock ticks). Snapshots are taken
 * before and after a measured window; processes are discovered again at the end because PostgreSQL
 * starts a backend per connection and the apps' pools open and close them. A process that exits
 * inside the window takes its ticks with it (they are not counted: the number is reported).
 */
import { execFileSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { APPS } from './stack';

/** Who a process belongs to: an app name, kafka, postgres, redis, or postgres-other (see below). */
export type Group = string;

export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcessSample {
  group: Group;
  ticks: number;
}

export interface CpuSnapshot {
  atMs: number;
  processes: Map<number, ProcessSample>;
  self: NodeJS.CpuUsage;
}

export interface CpuUsageReport {
  wallMs: number;
  /** CPU milliseconds per group over the window; "load-generator" is this process. */
  byGroup: Record<Group, number>;
  /** Sum over the stack's processes and the load generator (postgres-other excluded). */
  totalMs: number;
  /** Processes seen at the start that were gone at the end (their ticks since the start are lost). */
  exited: number;
  /** Processes that appeared during the window (all their ticks are counted). */
  appeared: number;
  /** Apps, Kafka or Redis whose process changed in the window: restarted by someone meanwhile. */
  restarted: Group[];
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** utime + stime of a process; the command name may hold spaces, so fields are counted after ')'. */
export function readTicks(pid: number): number | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * The groups of every process of the stack. Apps are recognised by their command line (the entry
 * point stack.sh starts, or the TypeScript one in development); PostgreSQL backends connected to a
 * database other than the stack's (tests, this bench's own statistics queries) are set apart as
 * postgres-other, given pid -> database from pg_stat_activity.
 */
export function discover(databaseOfBackend: Map<number, string | null> = new Map()): Map<number, Group> {
  const groups = new Map<number, Group>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const comm = readText(`/proc/${pid}/comm`)?.trim();
    if (!comm) continue;
    if (comm === 'postgres') {
      const database = databaseOfBackend.get(pid);
      const other = database !== undefined && database !== null && !database.startsWith('ecom_');
      groups.set(pid, other ? 'postgres-other' : 'postgres');
      continue;
    }
    if (comm === 'redis-server') {
      groups.set(pid, 'redis');
      continue;
    }
    const cmdline = readText(`/proc/${pid}/cmdline`)?.split('\0').join(' ') ?? '';
    if (comm === 'java' && /kafka/i.test(cmdline)) {
      groups.set(pid, 'kafka');
      continue;
    }
    if (comm.startsWith('node') || cmdline.startsWith('node')) {
      const app = APPS.find(
        (a) =>
          cmdline.includes(`dist/apps/${a.name}/src/main.js`) ||
          cmdline.includes(`apps/${a.name}/src/main.ts`),
      );
      if (app) groups.set(pid, app.name);
    }
  }
  return groups;
}

export function snapshot(groups: Map<number, Group>): CpuSnapshot {
  const processes = new Map<number, ProcessSample>();
  for (const [pid, group] of groups) {
    const ticks = readTicks(pid);
    if (ticks !== undefined) processes.set(pid, { group, ticks });
  }
  return { atMs: performance.now(), processes, self: process.cpuUsage() };
}

export function usageBetween(before: CpuSnapshot, after: CpuSnapshot): CpuUsageReport {
  const byGroup: Record<Group, number> = {};
  const add = (group: Group, ticks: number) => {
    byGroup[group] = (byGroup[group] ?? 0) + (ticks * 1000) / CLOCK_TICKS;
  };
  let appeared = 0;
  const restarted = new Set<Group>();
  // PostgreSQL backends come and go with connections; any other process changing is a restart.
  const churn = (group: Group) => {
    if (!group.startsWith('postgres')) restarted.add(group);
  };
  for (const [pid, sample] of after.processes) {
    const earlier = before.processes.get(pid);
    if (earlier) add(sample.group, Math.max(0, sample.ticks - earlier.ticks));
    else {
      appeared++;
      churn(sample.group);
      add(sample.group, sample.ticks);
    }
  }
  let exited = 0;
  for (const [pid, sample] of before.processes) {
    if (after.processes.has(pid)) continue;
    exited++;
    churn(sample.group);
  }
  const selfMicros = after.self.user - before.self.user + (after.self.system - before.self.system);
  byGroup['load-generator'] = selfMicros / 1000;
  for (const group of Object.keys(byGroup)) byGroup[group] = Math.round(byGroup[group]);
  const totalMs = Object.entries(byGroup)
    .filter(([group]) => group !== 'postgres-other')
    .reduce((sum, [, ms]) => sum + ms, 0);
  return {
    wallMs: Math.round(after.atMs - before.atMs),
    byGroup,
    totalMs,
    exited,
    appeared,
    restarted: [...restarted].sort(),
  };
}
