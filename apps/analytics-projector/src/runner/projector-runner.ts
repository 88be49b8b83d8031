import { IdempotentEventConsumer } from '@ecom/event-sourcing';
import { EventSourcingRuntime, HealthContributors } from '@ecom/platform';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleInit,
} from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { DataSource } from 'typeorm';
import {
  ANALYTICS_PROJECTOR_SETTINGS,
  AnalyticsProjectorSettings,
} from '../config/analytics-projector.settings';
import {
  AnalyticsProjection,
  PROJECTED_EVENT_TYPES,
  PROJECTED_TOPICS,
  ProjectedEvent,
} from '../projection/analytics-projection';
import { consumerNameOf, currentGeneration, ProjectorLock } from './projector-generation';

export interface ProjectorStatus {
  state: 'starting' | 'waiting-for-rebuild' | 'consuming' | 'stopped';
  generation: number | null;
  consumer: string | null;
  running: boolean;
  /** Messages behind the end of the partitions, after the last batch of each; null until measured. */
  lagEvents: number | null;
  /**
   * Seconds behind: while messages are waiting, the age of the newest applied event now; when caught
   * up, how old the last event was when it was applied (end-to-end delay).
   */
  lagSeconds: number;
  lastBatchAt: string | null;
  lastEventAt: string | null;
}

const runners = new Set<ProjectorRunner>();

function lagGauge(name: string, help: string, pick: (s: ProjectorStatus) => number | null): void {
  if (register.getSingleMetric(name)) return;
  new Gauge({
    name,
    help,
    labelNames: ['consumer'],
    collect() {
      this.reset();
      for (const runner of runners) {
        const status = runner.status();
        const value = pick(status);
        // Not measured yet (just started): no sample rather than a lag of 0 that is not known.
        if (status.consumer && value !== null) this.set({ consumer: status.consumer }, value);
      }
    },
  });
}

/**
 * Runs the live projection: one consumer group over every projected topic (one read-model family
 * for all: the facts of one event often feed several read models, e.g. OrderPaid feeds sales, RFM
 * and the funnel, and one transaction per batch keeps them consistent). Waits while a rebuild runs,
 * then consumes the current generation. Reports its lag in /health/ready and on /metrics.
 */
@Injectable()
export class ProjectorRunner implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projector');
  private lock?: ProjectorLock;
  private consumer?: IdempotentEventConsumer<ProjectedEvent>;
  private generation: number | null = null;
  private state: ProjectorStatus['state'] = 'starting';
  private stopping = false;
  private startup?: Promise<void>;

  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly dataSource: DataSource,
    private readonly projection: AnalyticsProjection,
    private readonly contributors: HealthContributors,
    @Inject(ANALYTICS_PROJECTOR_SETTINGS) private readonly settings: AnalyticsProjectorSettings,
  ) {}

  onModuleInit(): void {
    runners.add(this);
    lagGauge(
      'analytics_projector_lag_events',
      'Events the analytics projector is behind the topic ends',
      (s) => s.lagEvents,
    );
    lagGauge(
      'analytics_projector_lag_seconds',
      'Seconds the analytics projector is behind the events it applies (end-to-end delay when caught up)',
      (s) => s.lagSeconds,
    );
    // Not ready until its own consumer has caught up once since this start: while starting there is
    // no consumer to say so, and the platform's consumer check may have looked before it registered.
    this.contributors.add(async () => ({
      projector: { ...this.status(), status: this.consumer?.status().caughtUpSinceStart ? 'up' : 'down' },
    }));
  }

  onApplicationBootstrap(): void {
    this.startup = this.start();
  }

  private async start(): Promise<void> {
    // The database may not answer yet (start-up order): keep trying until it does or we stop.
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        return await this.startOnce();
      } catch (error) {
        this.logger.warn(`projector could not start (attempt ${attempt}): ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * attempt)));
      }
    }
  }

  private async startOnce(): Promise<void> {
    const waiting = setTimeout(() => (this.state = 'waiting-for-rebuild'), 1000);
    try {
      this.lock ??= await ProjectorLock.shared(this.dataSource);
    } finally {
      clearTimeout(waiting);
    }
    if (this.stopping) return;
    this.generation = await currentGeneration(this.dataSource);
    this.consumer = this.runtime.consume({
      name: consumerNameOf(this.generation),
      topics: [...PROJECTED_TOPICS],
      handles: PROJECTED_EVENT_TYPES,
      handleEvents: (events, session) => this.projection.applyBatch(events, session, { publishAlerts: true }),
      fromBeginning: true,
      partitionsConsumedConcurrently: this.settings.partitionsConcurrency,
      // Not ready while it catches up after a start: "caught up" checks and autoscaling see the truth.
      readyWhenCaughtUp: true,
    });
    this.state = 'consuming';
    this.logger.log(`consuming as ${consumerNameOf(this.generation)}`);
  }

  /** True once the projector holds its lock and consumes (the schedules only run then). */
  get started(): boolean {
    return this.state === 'consuming';
  }

  status(): ProjectorStatus {
    const consumer = this.consumer?.status();
    const lagEvents = consumer ? consumer.lag : null;
    const last = this.projection.lastEventAt;
    return {
      state: this.state,
      generation: this.generation,
      consumer: this.generation === null ? null : consumerNameOf(this.generation),
      running: consumer?.running ?? false,
      lagEvents,
      lagSeconds:
        (lagEvents ?? 0) > 0 && last
          ? Math.max(0, (Date.now() - last.getTime()) / 1000)
          : (this.projection.lastApplyLatencyMs ?? 0) / 1000,
      lastBatchAt: consumer?.lastBatchAt ?? null,
      lastEventAt: last?.toISOString() ?? null,
    };
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    runners.delete(this);
    // While blocked behind a rebuild there is nothing to stop (closing the pool ends the wait).
    if (this.state !== 'waiting-for-rebuild') await this.startup;
    await this.consumer?.stop();
    this.state = 'stopped';
    await this.lock?.release();
  }
}
