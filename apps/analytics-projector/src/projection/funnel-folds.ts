import { foldFunnel } from '@ecom/analytics-read-models';
import type { SqlExecutor } from '@ecom/event-sourcing';
import { Logger, OnModuleDestroy } from '@nestjs/common';

/** How long behaviour facts may wait in an_funnel_pending before they are folded. */
export const FUNNEL_FOLD_INTERVAL_MS = 1000;

/**
 * Folds the funnel's pending visitor events into its pre-aggregation (foldFunnel) once a second
 * while batches bring behaviour facts, not after every batch: a fold costs a scan of the pending
 * queue and serialises with every other fold, so under load one fold for many batches is what
 * keeps it off the hot path. Answers do not wait for it (the funnel query adds what is pending).
 * The first fold after a start comes one interval in, for what a crash left pending.
 */
export class FunnelFolds implements OnModuleDestroy {
  private readonly logger = new Logger('FunnelFolds');
  private due = true;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly sql: SqlExecutor,
    private readonly intervalMs = FUNNEL_FOLD_INTERVAL_MS,
  ) {
    this.schedule();
  }

  /** A batch marked visitor-days pending: fold within the interval. */
  markDue(): void {
    this.due = true;
    this.schedule();
  }

  /** Folds now whatever is pending (tests, the end of a rebuild), after a fold in flight. */
  async foldNow(): Promise<void> {
    await this.running;
    this.due = false;
    await foldFunnel(this.sql);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.fold().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  private async fold(): Promise<void> {
    if (!this.due || this.closed) return;
    this.due = false;
    try {
      await foldFunnel(this.sql);
    } catch (error) {
      // Nothing is lost: the pending rows stay for the next fold, and answers include them meanwhile.
      this.logger.warn(`funnel fold failed, retried in ${this.intervalMs} ms: ${(error as Error).message}`);
      this.markDue();
    }
  }
}
