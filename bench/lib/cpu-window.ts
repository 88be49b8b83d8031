/** A measured CPU window over every process of the stack (see proc-cpu.ts for how it counts). */
import { Client } from 'pg';
import { backendDatabases } from './pg';
import { CpuSnapshot, CpuUsageReport, discover, snapshot, usageBetween } from './proc-cpu';

export async function openCpuWindow(pg: Client): Promise<CpuSnapshot> {
  return snapshot(discover(await backendDatabases(pg)));
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
