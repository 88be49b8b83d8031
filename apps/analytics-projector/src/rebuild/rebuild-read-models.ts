import { AnalyticsClock, recomputeRfm, RfmRunSummary, truncateReadModels } from '@ecom/analytics-read-models';
import { forgetProcessedEvents, IdempotentEventConsumer } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import type { INestApplicationContext } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { PROJECTOR_SETTINGS, ProjectorSettings } from '../config/projector-settings';
import {
  AnalyticsProjection,
  PROJECTED_EVENT_TYPES,
  PROJECTED_TOPICS,
} from '../projection/analytics-projection';
import {
  consumerNameOf,
  currentGeneration,
  PROJECTOR_BASE_NAME,
  ProjectorLock,
} from '../runner/projector-generation';
import { StockWarningsService } from '../stock-warnings/stock-warnings.service';

export interface RebuildProgress {
  done: number;
  total: number;
  elapsedMs: number;
  eventsPerSecond: number;
}

export interface RebuildResult {
  generation: number;
  consumer: string;
  /** Messages read from the topics (events of every type, including those the projector skips). */
  events: number;
  total: number;
  replaySeconds: number;
  eventsPerSecond: number;
  stockWarnings: { skus: number; active: number };
  alertsPublished: { raised: number; cleared: number };
  rfm: RfmRunSummary;
}

export class ProjectorsRunningError extends Error {
  constructor() {
    super(
      'live analytics projectors are running: scale them to 0 before a rebuild (they resume on the rebuilt generation)',
    );
    this.name = 'ProjectorsRunningError';
  }
}

export interface RebuildOptions {
  onProgress?: (progress: RebuildProgress) => void;
  progressIntervalMs?: number;
  /** Gives up when the replay makes no progress for this long. */
  stallTimeoutMs?: number;
}

/**
 * Rebuilds every analytics read model from the topics: takes the projector lock exclusively (no live
 * projector may run), notes the end offsets of every projected topic, empties the read models and
 * the projector's processed-event records, starts a new generation (a fresh consumer group that reads
 * from the beginning) and replays until every partition reached the offsets noted at the start. Stock
 * warnings are applied without publishing and then reconciled with what analytics.alerts last said,
 * so downstream systems get only real changes; the time-based warnings and RFM are then evaluated at
 * the clock's instant, as the live schedules do. Live projectors started afterwards continue the new
 * generation from where the replay stopped.
 */
export async function rebuildReadModels(
  app: INestApplicationContext,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const dataSource = app.get(DataSource);
  const runtime = app.get(EventSourcingRuntime);
  const projection = app.get(AnalyticsProjection);
  const warnings = app.get(StockWarningsService);
  const clock = app.get(AnalyticsClock);
  const settings = app.get<ProjectorSettings>(PROJECTOR_SETTINGS);

  const lock = await ProjectorLock.tryExclusive(dataSource);
  if (!lock) throw new ProjectorsRunningError();
  try {
    const offsets = await runtime.topicAdmin.topicOffsets([...PROJECTED_TOPICS]);
    const targets = new Map<string, bigint>();
    let total = 0;
    for (const o of offsets) {
      const size = BigInt(o.high) - BigInt(o.low);
      if (size > 0n) {
        targets.set(`${o.topic}:${o.partition}`, BigInt(o.high) - 1n);
        total += Number(size);
      }
    }

    const previous = await currentGeneration(dataSource);
    const generation = previous + 1;
    const consumerName = consumerNameOf(generation);
    await dataSource.transaction(async (tx) => {
      await truncateReadModels(tx);
      await forgetProcessedEvents(tx, { names: [PROJECTOR_BASE_NAME], prefix: `${PROJECTOR_BASE_NAME}.g` });
      await tx.query(`UPDATE an_projector_state SET generation = $1, rebuilt_at = now() WHERE id = 1`, [
        generation,
      ]);
    });

    const consumer = new IdempotentEventConsumer({
      name: consumerName,
      topics: [...PROJECTED_TOPICS],
      handles: PROJECTED_EVENT_TYPES,
      dataSource,
      subscriber: runtime.bus,
      publisher: runtime.bus,
      registry: runtime.registry,
      handle: (event, tx) => projection.apply(event, tx, { publishAlerts: false }),
      partitionsConsumedConcurrently: settings.partitionsConcurrency,
    });

    const started = Date.now();
    let done = 0;
    let lastProgressAt = Date.now();
    const reached = new Map<string, bigint>();
    const complete = () => [...targets].every(([key, last]) => (reached.get(key) ?? -1n) >= last);
    const progress = (): RebuildProgress => {
      const elapsedMs = Date.now() - started;
      return {
        done,
        total,
        elapsedMs,
        eventsPerSecond: elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0,
      };
    };

    let finish!: () => void;
    let fail!: (error: Error) => void;
    const finished = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    const subscription =
      total === 0
        ? undefined
        : await runtime.bus.subscribe({
            groupId: consumerName,
            topics: [...PROJECTED_TOPICS],
            fromBeginning: true,
            partitionsConsumedConcurrently: settings.partitionsConcurrency,
            handleBatch: async (batch) => {
              await consumer.handleBatch(batch);
              const last = BigInt(batch.messages[batch.messages.length - 1].offset);
              const key = `${batch.topic}:${batch.partition}`;
              if (last > (reached.get(key) ?? -1n)) reached.set(key, last);
              done += batch.messages.length;
              lastProgressAt = Date.now();
              if (complete()) finish();
            },
          });
    const stallTimeoutMs = options.stallTimeoutMs ?? 120_000;
    const ticker = setInterval(() => {
      options.onProgress?.(progress());
      if (Date.now() - lastProgressAt > stallTimeoutMs)
        fail(new Error(`rebuild made no progress for ${stallTimeoutMs} ms`));
    }, options.progressIntervalMs ?? 500);
    try {
      if (total > 0) await finished;
    } finally {
      clearInterval(ticker);
      await subscription?.stop();
    }
    const replay = progress();
    options.onProgress?.(replay);

    const now = clock.now();
    const context = { correlationId: uuidv7(), causationId: null };
    const evaluated = await warnings.reevaluateAll(dataSource, now, { publish: false, context });
    const alertsPublished = await dataSource.transaction((tx) => warnings.reconcilePublished(tx, context));
    const rfm = await recomputeRfm(dataSource, now, {
      ...settings.rfm,
      timeZone: settings.timeZone,
      currency: settings.currency,
    });
    const [{ active }] = await dataSource.query(`SELECT count(*)::int AS active FROM an_stock_warnings`);

    // Let the relay publish the reconciled alerts (their commit woke it) before the process ends.
    const drainDeadline = Date.now() + 30_000;
    while ((await runtime.relay.backlog()) > 0 && Date.now() < drainDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await runtime.topicAdmin.deleteConsumerGroups([consumerNameOf(previous)]).catch(() => undefined);

    return {
      generation,
      consumer: consumerName,
      events: done,
      total,
      replaySeconds: replay.elapsedMs / 1000,
      eventsPerSecond: replay.eventsPerSecond,
      stockWarnings: { skus: evaluated.skus, active },
      alertsPublished,
      rfm,
    };
  } finally {
    await lock.release();
  }
}
