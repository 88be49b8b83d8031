import { snapshotReadModels } from '@ecom/analytics-read-models';
import { countProcessedEvents } from '@ecom/event-sourcing';
import type { EventEnvelope } from '@ecom/contracts';
import { SERVICES } from '@ecom/platform';
import {
  createTestTopics,
  ServiceProcess,
  startServiceProcess,
  startTestService,
  TestDatabase,
  TestService,
  TestServiceOptions,
  uniqueTopicPrefix,
  waitUntil,
} from '@ecom/testing';
import { DataSource } from 'typeorm';
import { AppModule as ProjectorModule } from '../app.module';
import { PROJECTED_EVENT_TYPES } from '../projection/analytics-projection';
import { GOLDEN_NOW } from './golden-events';

/** Fixed clock, schedules off (the tests trigger them), no query cache: deterministic read models. */
export const DETERMINISTIC_ENV: Record<string, string> = {
  ANALYTICS_TZ: 'Asia/Shanghai',
  ANALYTICS_FIXED_NOW: GOLDEN_NOW,
  STOCK_WARNING_INTERVAL_MS: '0',
  RFM_RECOMPUTE_INTERVAL_MS: '0',
  ANOMALY_INTERVAL_MS: '0',
  ANALYTICS_CACHE_TTL_MS: '0',
};

/** Topic creation can race with other suites creating topics on the shared broker: retry a few times. */
export async function createTopicsWithRetry(prefix: string, partitions = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createTestTopics(prefix, partitions);
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/** A fresh topic prefix with every topic created (3 partitions each). */
export async function freshTopics(label: string): Promise<string> {
  const prefix = uniqueTopicPrefix(label);
  await createTopicsWithRetry(prefix);
  return prefix;
}

/** The projector in this process: the tests call its schedules and read its database. */
export const startProjector = (options: TestServiceOptions) =>
  startTestService(ProjectorModule, SERVICES.analyticsProjector, {
    ...options,
    env: { ...DETERMINISTIC_ENV, ...options.env },
  });

/**
 * The analytics API as a child process (startServiceProcess), on the projector's database, topic
 * prefix and key pair when given them: an app's tests never import another app, they talk to it
 * over HTTP as a storefront would.
 */
export function startApi(options: TestServiceOptions): Promise<ServiceProcess> {
  return startServiceProcess('analytics', { ...options, env: { ...DETERMINISTIC_ENV, ...options.env } });
}

/** How many of these events the projector records as processed (the types it handles, each id once). */
export function handledCount(events: readonly EventEnvelope[]): number {
  const handled = new Set<string>(PROJECTED_EVENT_TYPES);
  return new Set(events.filter((e) => handled.has(e.type)).map((e) => e.id)).size;
}

export async function processedCount(dataSource: DataSource): Promise<number> {
  return (await countProcessedEvents(dataSource, { prefix: 'analytics-projector' })) ?? 0;
}

/** Waits until the projector has applied `expected` events (and nothing more arrives). */
export async function waitForProjection(
  dataSource: DataSource,
  expected: number,
  timeoutMs = 60_000,
): Promise<void> {
  await waitUntil(async () => (await processedCount(dataSource)) >= expected, {
    timeoutMs,
    intervalMs: 100,
    message: `${expected} events projected`,
  });
}

/** Waits until the projector has applied every one of these events that it handles. */
export function waitForEvents(
  dataSource: DataSource,
  events: readonly EventEnvelope[],
  timeoutMs?: number,
): Promise<void> {
  return waitForProjection(dataSource, handledCount(events), timeoutMs);
}

export function dataSourceOf(service: TestService): DataSource {
  return service.app.get(DataSource);
}

/** A DataSource on a test database, for reading read models after the services are gone. */
export async function openDataSource(database: TestDatabase): Promise<DataSource> {
  return new DataSource({ type: 'postgres', url: database.url, extra: { max: 2 } }).initialize();
}

export { snapshotReadModels };
