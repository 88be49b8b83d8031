/**
 * The idle stack: CPU of every process of the stack over a window with no traffic from the bench,
 * as a percentage of one core. Waits for the consumers to catch up first, so seeding's tail is not
 * counted. The load generator and backends of other databases are excluded (they are not the stack).
 */
import { closeCpuWindow, openCpuWindow } from '../lib/cpu-window';
import { ordersByOthers } from '../lib/pg';
import { info, phase, sleep, Ticker, warn } from '../lib/progress';
import { waitQuiet } from '../lib/stack-metrics';
import { BenchContext } from './context';

/** One idle window: CPU by group (ms) and the orders someone else placed meanwhile. */
async function window(ctx: BenchContext) {
  const { profile, pg } = ctx;
  await waitQuiet(profile.settleTimeoutMs);
  await sleep(1000);
  const before = await openCpuWindow(pg);
  const started = Date.now();
  const from = new Date();
  const ticker = new Ticker('idle', () => `${((Date.now() - started) / 1000).toFixed(0)} s`).start();
  await sleep(profile.idleMs);
  ticker.stop();
  const usage = await closeCpuWindow(pg, before);
  // Nobody should be ordering now; if someone is, the figure is not the idle stack's.
  const orders = await ordersByOthers(from, new Date(), []);
  return { usage, orders };
}

const ATTEMPTS = 3;

export async function idle(ctx: BenchContext): Promise<void> {
  const { profile, results } = ctx;
  phase(`idle stack: CPU over ${profile.idleMs / 1000} s without traffic`);
  const disturbed = (m: Awaited<ReturnType<typeof window>>) =>
    [
      m.orders ? `${m.orders} orders were placed by someone else` : '',
      m.usage.restarted.length ? `${m.usage.restarted.join(', ')} restarted` : '',
    ]
      .filter(Boolean)
      .join('; ');
  let measured = await window(ctx);
  for (let attempt = 2; disturbed(measured) && attempt <= ATTEMPTS; attempt++) {
    warn(`idle window disturbed (${disturbed(measured)}); measuring again`);
    measured = await window(ctx);
  }
  const { usage, orders } = measured;
  const disturbance = disturbed(measured);
  if (disturbance) warn(`idle window disturbed: ${disturbance}`);
  const percent = (ms: number) => Math.round((ms / usage.wallMs) * 1000) / 10;
  const byGroup = Object.fromEntries(
    Object.entries(usage.byGroup)
      .filter(([group]) => group !== 'load-generator' && group !== 'postgres-other')
      .map(([group, ms]) => [group, percent(ms)]),
  );
  const total = Object.values(byGroup).reduce((sum, p) => sum + p, 0);
  results.detail('idle', { wallMs: usage.wallMs, percentOfOneCoreByProcess: byGroup, raw: usage, orders });
  info(`idle: ${total.toFixed(1)}% of one core (${JSON.stringify(byGroup)})`);
  results.figure({
    id: 'idle.cpuPercent',
    label: 'idle stack CPU (all stack processes)',
    value: Math.round(total * 10) / 10,
    unit: '% of one core',
    target: { op: '<=', value: 5 },
    note: disturbance ? `disturbed: ${disturbance}` : undefined,
  });
}
