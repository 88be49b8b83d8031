import { AnalyticsClock, recomputeRfm, RfmRunSummary } from '@ecom/analytics-read-models';
import { ClusterScheduler, EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { AnomaliesService, AnomalyEvaluation } from '../anomalies/anomalies.service';
import {
  ANALYTICS_PROJECTOR_SETTINGS,
  AnalyticsProjectorSettings,
} from '../config/analytics-projector.settings';
import { StockWarningsService } from '../stock-warnings/stock-warnings.service';
import { ProjectorRunner } from './projector-runner';

/**
 * The projector's schedules, each run once per interval across all replicas (ClusterScheduler):
 * re-evaluation of the time-based stock warnings (expiry, sales windows), the RFM recomputation and
 * the evaluation of the completed hours for anomaly alerts. All take their instant from the injectable
 * AnalyticsClock.
 */
@Injectable()
export class ProjectorSchedules implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ProjectorSchedules');
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly runtime: EventSourcingRuntime,
    private readonly warnings: StockWarningsService,
    private readonly runner: ProjectorRunner,
    private readonly clock: AnalyticsClock,
    private readonly scheduler: ClusterScheduler,
    private readonly anomalies: AnomaliesService,
    @Inject(ANALYTICS_PROJECTOR_SETTINGS) private readonly settings: AnalyticsProjectorSettings,
  ) {}

  onApplicationBootstrap(): void {
    // Not before the projector runs: a rebuild holds it back, and its read models are not final yet.
    const when = () => this.runner.started;
    this.scheduler.every(
      'stock-warnings',
      this.settings.stockWarnings.intervalMs,
      () => this.reevaluateStockWarnings(),
      {
        when,
      },
    );
    this.scheduler.every('rfm', this.settings.rfm.recomputeIntervalMs, () => this.recomputeRfm(), { when });
    if (this.settings.rfm.recomputeIntervalMs > 0) void this.recomputeRfmAtStartup();
    this.scheduler.every('anomalies', this.settings.anomalies.intervalMs, () => this.evaluateAnomalies(), {
      when,
    });
  }

  onApplicationShutdown(): void {
    this.stopping = true;
  }

  /**
   * The first RFM recomputation does not wait a whole interval: a projector restarted more often than
   * that would never recompute. Once this replica consumes, it runs unless a replica ran one within
   * the interval (that interval's scheduler lock is still held); replicas starting together run one.
   */
  private async recomputeRfmAtStartup(): Promise<void> {
    while (!this.runner.started) {
      if (this.stopping) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (this.stopping) return;
    await this.scheduler.runOnce('rfm', this.settings.rfm.recomputeIntervalMs, () => this.recomputeRfm());
  }

  /** Re-evaluates every SKU's warnings at the clock's instant and publishes the changes. */
  async reevaluateStockWarnings(at: Date = this.clock.now()) {
    const result = await this.warnings.reevaluateAll(this.runtime.commands, at, {
      publish: true,
      context: { correlationId: uuidv7(), causationId: null },
    });
    return result;
  }

  async recomputeRfm(at: Date = this.clock.now()): Promise<RfmRunSummary> {
    const summary = await recomputeRfm(this.dataSource, at, {
      ...this.settings.rfm,
      timeZone: this.settings.timeZone,
      currency: this.settings.currency,
    });
    this.logger.log(
      `RFM recomputed as of ${summary.asOf}: ${summary.members} members in ${summary.durationMs} ms`,
    );
    return summary;
  }

  /**
   * Evaluates the hours completed (ANOMALY_GRACE_MS past their end) at the clock's instant and not
   * evaluated yet, and publishes the alerts raised and cleared.
   */
  async evaluateAnomalies(at: Date = this.clock.now()): Promise<AnomalyEvaluation> {
    const result = await this.anomalies.evaluate(this.runtime.commands, at, {
      correlationId: uuidv7(),
      causationId: null,
    });
    if (result.hours > 0) {
      this.logger.log(
        `anomalies: ${result.hours} hours evaluated, ${result.raised} raised, ${result.cleared} cleared`,
      );
    }
    return result;
  }
}
