import { AnalyticsClock, recomputeRfm, RfmRunSummary, truncateReadModels } from '@ecom/analytics-read-models';
import { forgetProcessedEvents } from '@ecom/event-sourcing';
import { EventSourcingRuntime, ReplayOptions, ReplayProgress } from '@ecom/platform';
import type { INestApplicationContext } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { AnomaliesService, AnomalyEvaluation } from '../anomalies/anomalies.service';
import {
  ANALYTICS_PROJECTOR_SETTINGS,
  AnalyticsProjectorSettings,
} from '../config/analytics-projector.settings';
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

export type RebuildProgress = ReplayProgress;

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
  /** The hourly anomaly evaluation at the clock, as the live schedule does (null when its schedule is off). */
  anomalies: AnomalyEvaluation | null;
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

export type RebuildOptions = Omit<ReplayOptions, 'retires'>;

/**
 * Rebuilds every analytics read model from the topics: takes the projector lock exclusively (no live
 * projector may run), empties the read models and the projector's processed-event records, starts a
 * new generation (a fresh consumer group that reads from the beginning) and replays until every
 * partition reached the end it had when the replay started. Stock warnings are applied without
 * publishing and then reconciled with what analytics.alerts last said, so downstream systems get only
 * real changes; the time-based warnings and RFM are then evaluated at the clock's instant, as the
 * live schedules do. Live projectors started afterwards continue the new generation from where the
 * replay stopped.
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
  const settings = app.get<AnalyticsProjectorSettings>(ANALYTICS_PROJECTOR_SETTINGS);

  const lock = await ProjectorLock.tryExclusive(dataSource);
  if (!lock) throw new ProjectorsRunningError();
  try {
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

    const replay = await runtime.replay(
      {
        name: consumerName,
        topics: [...PROJECTED_TOPICS],
        handles: PROJECTED_EVENT_TYPES,
        handleEvents: (events, session) => projection.applyBatch(events, session, { publishAlerts: false }),
        partitionsConsumedConcurrently: settings.partitionsConcurrency,
      },
      { ...options, retires: consumerNameOf(previous) },
    );

    const now = clock.now();
    const context = { correlationId: uuidv7(), causationId: null };
    const evaluated = await warnings.reevaluateAll(runtime.commands, now, { publish: false, context });
    const alertsPublished = await runtime.commands.run((session) =>
      warnings.reconcilePublished(session, context),
    );
    // Evaluates the hours the replayed facts complete and publishes only what analytics.alerts lacks.
    const anomalies =
      settings.anomalies.intervalMs > 0
        ? await app.get(AnomaliesService).evaluate(runtime.commands, now, context)
        : null;
    const rfm = await recomputeRfm(dataSource, now, {
      ...settings.rfm,
      timeZone: settings.timeZone,
      currency: settings.currency,
    });
    const [{ active }] = await dataSource.query(`SELECT count(*)::int AS active FROM an_stock_warnings`);

    // Let the relay publish the reconciled alerts (their commit woke it) before the process ends.
    const drainDeadline = Date.now() + 30_000;
    while ((await runtime.outboxBacklog()) > 0 && Date.now() < drainDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    return {
      generation,
      consumer: consumerName,
      events: replay.done,
      total: replay.total,
      replaySeconds: replay.elapsedMs / 1000,
      eventsPerSecond: replay.eventsPerSecond,
      stockWarnings: { skus: evaluated.skus, active },
      alertsPublished,
      anomalies,
      rfm,
    };
  } finally {
    await lock.release();
  }
}
