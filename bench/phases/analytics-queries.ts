/**
 * Phase 5: the operators' analytics queries under concurrent load, one endpoint at a time, each with
 * its own closed loop over the same number of connections. Answers may come from the query cache
 * (x-cache: hit); that is how operators see them too.
 */
import { busiest, closeCpuWindow, openCpuWindow } from '../lib/cpu-window';
import { HttpClient } from '../lib/http';
import { runClosedLoop } from '../lib/load';
import { phase } from '../lib/progress';
import { PORTS, waitReady } from '../lib/stack';
import { BenchContext } from './context';

/** YYYY-MM-DD in the analytics time zone (the API's day buckets), `daysAgo` days back. */
function day(daysAgo: number): string {
  const at = new Date(Date.now() - daysAgo * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);
}

export async function analyticsQueries(ctx: BenchContext): Promise<void> {
  const { profile, shop, results, pg } = ctx;
  const { connections, durationMs, maxOps } = profile.analytics;
  phase(`analytics queries: ${connections} connections, ${durationMs / 1000} s per endpoint`);
  await waitReady(['analytics']);
  const range = `from=${day(30)}&to=${day(0)}`;
  const endpoints = [
    { id: 'rfmSegments', path: '/v1/analytics/rfm/segments' },
    { id: 'funnel', path: `/v1/analytics/funnel?${range}` },
    { id: 'sales', path: `/v1/analytics/sales?${range}` },
    { id: 'stockWarnings', path: '/v1/analytics/stock-warnings' },
    { id: 'productMatrix', path: `/v1/analytics/products/matrix?${range}` },
  ];
  const client = new HttpClient(PORTS.analytics, connections);
  const token = await shop.operator.bearer();
  const detail: Record<string, unknown> = {};
  try {
    for (const endpoint of endpoints) {
      const cpuBefore = await openCpuWindow(pg);
      const load = await runClosedLoop(
        { label: `GET ${endpoint.path.split('?')[0]}`, workers: connections, durationMs, maxOps },
        async () => (await client.get(endpoint.path, { token, parse: false })).status,
      );
      const cpu = busiest(await closeCpuWindow(pg, cpuBefore));
      results.load('analytics', load);
      detail[endpoint.id] = { ...load, cpuPercentOfCore: cpu };
      const label = `analytics ${endpoint.path.split('?')[0].replace('/v1/analytics', '')}`;
      results.figure({
        id: `analytics.${endpoint.id}.perSecond`,
        label: `${label}: req/s`,
        value: load.okPerSecond,
        unit: 'req/s',
        secondary: true,
      });
      results.figure({
        id: `analytics.${endpoint.id}.p99`,
        label: `${label}: p99`,
        value: load.latency.p99,
        unit: 'ms',
        secondary: true,
      });
    }
  } finally {
    await client.close();
  }
  results.detail('analytics', { connections, ...detail });
}
