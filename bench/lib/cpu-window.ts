/** A measured CPU window over every process of the stack (see proc-cpu.ts for how it counts). */
import { Client } from 'pg';
import { backendDatabases } from './pg';
import { CpuSnapshot, CpuUsageReport, discover, Group, snapshot, usageBetween } from './proc-cpu';

/** `extra`: processes the bench started itself and wants counted (e.g. the Fastify reference). */
export async function openCpuWindow(pg: Client, extra: Map<number, Group> = new Map()): Promise<CpuSnapshot> {
  const groups = discover(await backendDatabases(pg));
  for (const [pid, group] of extra) groups.set(pid, group);
  return snapshot(groups);
}

export async function closeCpuWindow(pg: Client, before: CpuSnapshot): Promise<CpuUsageReport> {
  const groups = discover(await backendDatabases(pg));
  // Processes seen at the start keep their group even if the rescan no longer classifies them.
  for (const [pid, sample] of before.processes) if (!groups.has(pid)) groups.set(pid, sample.group);
  return usageBetween(before, snapshot(groups));
}

/** CPU milliseconds per unit of work, by group and in total (1 decimal). */
export function perUnit(usage: CpuUsageReport, units: number): Record<string, number> {
  const per: Record<string, number> = {};
  if (units <= 0) return per;
  for (const [group, ms] of Object.entries(usage.byGroup)) per[group] = Math.round((ms / units) * 10) / 10;
  per.total = Math.round((usage.totalMs / units) * 10) / 10;
  return per;
}

/**
 * The busiest processes of a window as "% of one core", e.g. { catalog: 97, "load-generator": 81 }:
 * which side of a read benchmark ran out of CPU. Processes under 2% are left out.
 */
export function busiest(usage: CpuUsageReport): Record<string, number> {
  return Object.fromEntries(
    Object.entries(usage.byGroup)
      .map(([group, ms]) => [group, Math.round((ms / usage.wallMs) * 100)] as const)
      .filter(([, percent]) => percent >= 2)
      .sort((a, b) => b[1] - a[1]),
  );
}
