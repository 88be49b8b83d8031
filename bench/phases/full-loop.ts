/**
 * Phase 1 (and 7, 4b): the full shopping loop at a given number of concurrent shoppers. Each shopper
 * repeatedly places an order, learns its outcome as a storefront would, and pays it; payment is
 * synchronous (the simulated gateway answers inside the request, 201 PAID), so the payment answer is
 * where the shopper learns PAID. Around each run: CPU time of every process of the stack, PostgreSQL
 * commits and Kafka events, all divided by the paid orders; during the largest run the projector's
 * lag is sampled every 250 ms.
 */
import { awaitDecision, clientsFor, closeAll, longPollMode, OrderItem, pay, placeOrder } from '../lib/api';
import { closeCpuWindow, openCpuWindow, perUnit } from '../lib/cpu-window';
import { kafka, publishedEvents } from '../lib/kafka';
import { Outcome, runClosedLoop } from '../lib/load';
import { commitsBetween, ordersByOthers, stackCommits } from '../lib/pg';
import { info, phase, sleep, warn } from '../lib/progress';
import { Sku } from '../lib/seed';
import { ProjectorLagSampler, waitQuiet } from '../lib/stack-metrics';
import { waitReady } from '../lib/stack';
import { percentile, Recorder, summarize } from '../lib/stats';
import { BenchContext } from './context';

/** Deterministic per order: one SKU, and a second one in about a third of the orders. */
function itemsFor(seq: number, skus: Sku[]): OrderItem[] {
  let x = (seq * 2654435761) >>> 0;
  const next = () => {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    return x;
  };
  const first = next() % skus.length;
  const items = [{ sku: skus[first].code, quantity: 1 }];
  if (next() % 3 === 0 && skus.length > 1) {
    const second = (first + 1 + (next() % (skus.length - 1))) % skus.length;
    items.push({ sku: skus[second].code, quantity: 1 });
  }
  return items;
}

/**
 * PostgreSQL 15 publishes a backend's commit counters up to 10 s after it goes idle: the commit count
 * after a run is read no earlier than this after the last request.
 */
const PG_STATS_DELAY_MS = 10_500;

export async function fullLoop(ctx: BenchContext, shoppers: number, sampleLag: boolean): Promise<void> {
  const { profile, shop, results, pg } = ctx;
  const key = `fullLoop.c${shoppers}`;
  phase(`full loop: ${shoppers} concurrent shoppers for ${profile.fullLoop.durationMs / 1000} s`);
  await waitReady();
  const clients = clientsFor(shoppers);
  const kafkaClient = kafka('ecom-bench');
  const post = new Recorder();
  const confirmed = new Recorder();
  const polls: number[] = [];

  const eventsBefore = await publishedEvents(kafkaClient);
  const commitsBefore = await stackCommits(pg);
  const cpuBefore = await openCpuWindow(pg);
  const lag = sampleLag ? new ProjectorLagSampler().start(250) : undefined;
  const windowStart = new Date();

  const load = await runClosedLoop(
    {
      label: `full loop x${shoppers}`,
      workers: shoppers,
      durationMs: profile.fullLoop.durationMs,
      maxOps: profile.fullLoop.maxOps,
      ok: (outcome) => outcome === 'paid',
    },
    async (worker, seq): Promise<Outcome> => {
      const shopper = shop.customers[worker % shop.customers.length];
      const started = performance.now();
      const placed = await placeOrder(clients.orders, shopper, itemsFor(seq, shop.skus));
      if (placed.status !== 202) return placed.status;
      post.add(placed.ms);
      const decision = await awaitDecision(clients.orders, shopper, placed.body.id, 30_000);
      polls.push(decision.polls);
      if (decision.outcome === 'REJECTED') return 'rejected';
      if (decision.outcome !== 'CONFIRMED') return decision.outcome;
      confirmed.add(performance.now() - started);
      const paid = await pay(clients.orders, shopper, placed.body.id, placed.body.total);
      if (paid.status === 402) return 'declined';
      if (paid.status !== 201) return paid.status;
      return paid.body.status === 'PAID' ? 'paid' : `paid-answer:${paid.body.status}`;
    },
  );
  const loadEndedAt = Date.now();
  const others = await ordersByOthers(
    windowStart,
    new Date(loadEndedAt),
    shop.customers.map((c) => c.id),
  );
  if (others)
    warn(`${others} orders were placed by others during this run: per-order figures include their work`);
  await lag?.stop();
  await closeAll(clients);
  results.load('full-loop', load);

  // Downstream work of the run (reservations, points, analytics) belongs to its paid orders.
  const settled = await waitQuiet(profile.settleTimeoutMs);
  const cpu = await closeCpuWindow(pg, cpuBefore);
  if (cpu.restarted.length)
    warn(`restarted during this run: ${cpu.restarted.join(', ')} (their CPU is partly lost)`);
  const eventsAfter = await publishedEvents(kafkaClient);
  const wait = PG_STATS_DELAY_MS - (Date.now() - loadEndedAt);
  if (wait > 0) {
    info(`waiting ${(wait / 1000).toFixed(1)} s for PostgreSQL to publish its commit counters`);
    await sleep(wait);
  }
  const { total: commits, byDatabase: commitsByDatabase } = commitsBetween(
    commitsBefore,
    await stackCommits(pg),
  );

  const paid = load.ok;
  const perPaid = perUnit(cpu, paid);
  const lagSeconds = lag ? summarize(lag.seconds) : undefined;
  const sortedPolls = [...polls].sort((a, b) => a - b);
  const detail = {
    shoppers,
    learnOutcomeBy: longPollMode(),
    load,
    postLatency: post.summary(),
    postToConfirmed: confirmed.summary(),
    loopLatency: load.latency,
    pollsPerOrder: {
      mean: polls.length ? Math.round((polls.reduce((s, n) => s + n, 0) / polls.length) * 10) / 10 : 0,
      p99: percentile(sortedPolls, 99),
    },
    cpu: { ...cpu, perPaidOrderMs: perPaid, settledAfterMs: settled.waitedMs, settled: settled.quiet },
    pgCommits: commits,
    pgCommitsPerPaidOrder: paid ? Math.round((commits / paid) * 10) / 10 : null,
    pgCommitsPerSecond: Math.round((commits * 1000) / load.elapsedMs),
    pgCommitsPerPaidOrderByDatabase: Object.fromEntries(
      Object.entries(commitsByDatabase).map(([database, n]) => [
        database,
        paid ? Math.round((n / paid) * 100) / 100 : null,
      ]),
    ),
    kafkaEvents: eventsAfter - eventsBefore,
    kafkaEventsPerPaidOrder: paid ? Math.round(((eventsAfter - eventsBefore) / paid) * 10) / 10 : null,
    kafkaEventsPerSecond: Math.round(((eventsAfter - eventsBefore) * 1000) / load.elapsedMs),
    ordersPlacedByOthers: others,
    projectorLag: lag ? { seconds: lagSeconds, maxEvents: Math.max(0, ...lag.events) } : undefined,
  };
  results.detail(key, detail);
  info(
    `paid ${paid} (${load.okPerSecond}/s), outcomes ${JSON.stringify(load.statuses)}; CPU ${perPaid.total ?? 'n/a'} ms ` +
      `per paid order; ${detail.pgCommitsPerPaidOrder} commits (${Object.entries(
        detail.pgCommitsPerPaidOrderByDatabase,
      )
        .map(([database, n]) => `${database.replace(/^ecom_/, '')} ${n}`)
        .join(', ')}) and ${detail.kafkaEventsPerPaidOrder} events per paid order`,
  );

  // Targets apply to the 64-shopper run; smaller runs show the trend.
  const at64 = shoppers === 64;
  const label = (what: string) => `full loop ${shoppers} shoppers: ${what}`;
  results.figure({
    id: `${key}.paidPerSecond`,
    label: label('paid orders/s'),
    value: load.okPerSecond,
    unit: 'orders/s',
    target: at64 ? { op: '>=', value: 250 } : undefined,
  });
  // p50 and p95 go to the latency table; the p99s stay in the main one.
  for (const p of ['p50', 'p95', 'p99'] as const) {
    const secondary = p !== 'p99';
    results.figure({
      id: `${key}.post${p.toUpperCase()}`,
      label: label(`POST ${p}`),
      value: detail.postLatency[p],
      unit: 'ms',
      secondary,
    });
    results.figure({
      id: `${key}.confirmed${p.toUpperCase()}`,
      label: label(`POST -> CONFIRMED ${p}`),
      value: detail.postToConfirmed[p],
      unit: 'ms',
      target: at64 && p === 'p99' ? { op: '<=', value: 300 } : undefined,
      secondary,
    });
    results.figure({
      id: `${key}.loop${p.toUpperCase()}`,
      label: label(`whole loop ${p}`),
      value: load.latency[p],
      unit: 'ms',
      secondary,
    });
  }
  results.figure({
    id: `${key}.cpuPerPaidOrder`,
    label: label('CPU per paid order, all processes'),
    value: perPaid.total ?? null,
    unit: 'ms',
    target: { op: '<=', value: 8 },
    note:
      [
        others ? `${others} orders by others during the run are in this figure` : '',
        cpu.restarted.length ? `restarted during the run: ${cpu.restarted.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ') || undefined,
  });
  results.figure({
    id: `${key}.pgCommitsPerSecond`,
    label: label('PostgreSQL commits/s (stack databases)'),
    value: detail.pgCommitsPerSecond,
    unit: 'commits/s',
    referenceId: 'reference.pgbenchTps',
  });
  results.figure({
    id: `${key}.pgCommitsPerPaidOrder`,
    label: label('PostgreSQL commits per paid order'),
    value: detail.pgCommitsPerPaidOrder,
    unit: 'commits',
  });
  results.figure({
    id: `${key}.kafkaEventsPerSecond`,
    label: label('events published to Kafka/s'),
    value: detail.kafkaEventsPerSecond,
    unit: 'events/s',
    referenceId: 'reference.kafkaProducePerSecond',
  });
  if (lagSeconds) {
    results.figure({
      id: 'projector.liveLagP99',
      label: `projector live lag p99 during the ${shoppers}-shopper run`,
      value: lagSeconds.p99,
      unit: 's',
      target: { op: '<=', value: 2 },
      note: `${lagSeconds.count} samples every 250 ms of analytics_projector_lag_seconds`,
    });
  }
}
