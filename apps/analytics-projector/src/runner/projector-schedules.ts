import { AnalyticsClock, recomputeRfm, RfmRunSummary } from '@ecom/analytics-read-models';
import { EventSourcingRuntime, REDIS } from '@ecom/platform';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'crypto';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { PROJECTOR_SETTINGS, ProjectorSettings } from '../config/projector-settings';
import { StockWarningsService } from '../stock-warnings/stock-warnings.service';
import { ProjectorRunner } from './projector-runner';

/**
 * The projector's schedules, each run once per interval across all replicas (a Redis lock that
 * lives for the interval): re-evaluation of the time-based stock warnings (expiry, sales windows)
 * and the RFM recomputation. Both take their instant from the injectable AnalyticsClock.
 */
@Injectable()
export class ProjectorSchedules implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ProjectorSchedules');
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly busy = new Set<string>();
  private readonly instance = randomUUID();

  constructor(
    private readonly dataSource: DataSource,
    private readonly runtime: EventSourcingRuntime,
    private readonly warnings: StockWarningsService,
    private readonly runner: ProjectorRunner,
    private readonly clock: AnalyticsClock,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PROJECTOR_SETTINGS) private readonly settings: ProjectorSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.every('stock-warnings', this.settings.stockWarnings.intervalMs, () =>
      this.reevaluateStockWarnings(),
    );
    this.every('rfm', this.settings.rfm.recomputeIntervalMs, () => this.recomputeRfm());
  }

  private every(name: string, intervalMs: number, job: () => Promise<unknown>): void {
    if (intervalMs <= 0) return;
    const timer = setInterval(() => void this.runOnce(name, intervalMs, job), intervalMs);
    timer.unref();
    this.timers.push(timer);
  }

  /** Runs a job if this replica wins the interval's lock; returns whether it ran. */
  private async runOnce(name: string, intervalMs: number, job: () => Promise<unknown>): Promise<boolean> {
    if (!this.runner.started || this.busy.has(name)) return false;
    this.busy.add(name);
    try {
      const won = await this.redis.set(`analytics:schedule:${name}`, this.instance, 'PX', intervalMs, 'NX');
      if (won !== 'OK') return false;
      await job();
      return true;
    } catch (error) {
      this.logger.error(`${name} run failed: ${(error as Error).message}`);
      return false;
    } finally {
      this.busy.delete(name);
    }
  }

  /** Re-evaluates every SKU's warnings at the clock's instant and publishes the changes. */
  async reevaluateStockWarnings(at: Date = this.clock.now()) {
    const result = await this.warnings.reevaluateAll(this.dataSource, at, {
      publish: true,
      context: { correlationId: uuidv7(), causationId: null },
    });
    if (result.raised + result.cleared > 0) this.runtime.relay.nudge();
    return result;
  }

  async recomputeRfm(at: Date = this.clock.now()): Promise<RfmRunSummary> {
    return recomputeRfm(this.dataSource, at, {
      ...this.settings.rfm,
      timeZone: this.settings.timeZone,
      currency: this.settings.currency,
    });
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearInterval(timer);
  }
}
