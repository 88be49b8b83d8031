import { ApiError } from '../api';
import { h } from '../dom';
import { formatClock } from '../format';
import { Panel } from './panel';

/**
 * A panel whose rows are asked again every config.stockWarningsRefreshMs once it has an answer
 * (the stock warnings, the anomaly alerts): rows that changed since the previous answer are marked,
 * a failed refresh keeps the last answer on screen and says so, and a lost authorisation fails the
 * panel like a first load would.
 */
export abstract class LivePanel<T> extends Panel {
  override readonly followsRange = false;
  protected rows?: T[];
  /** Keys of the rows that changed since the previous answer (changedKeys). */
  protected changed = new Set<string>();
  private updatedAt?: Date;
  private refreshProblem?: string;
  private timer?: ReturnType<typeof setInterval>;
  private refreshing = false;

  /** One answer of the source, for the panel's current filter. */
  protected abstract ask(): Promise<T[]>;
  /** The rows in the order they are shown. */
  protected abstract order(rows: T[]): T[];
  /** Keys of the rows of `rows` that are new or moved since `previous` (none before the first answer). */
  protected abstract changedKeys(previous: T[] | undefined, rows: T[]): Set<string>;

  /** The filter an answer was asked with: a refresh answered after the filter changed is dropped. */
  protected filter(): string {
    return '';
  }

  protected hasData(): boolean {
    return !!this.rows;
  }

  protected async fetch(): Promise<void> {
    this.accept(await this.ask(), undefined);
    this.timer ??= setInterval(() => void this.refresh(), this.ctx.config.stockWarningsRefreshMs);
  }

  private accept(rows: T[], previous: T[] | undefined): void {
    this.changed = this.changedKeys(previous, rows);
    this.rows = this.order(rows);
    this.updatedAt = new Date();
    this.refreshProblem = undefined;
  }

  private async refresh(): Promise<void> {
    if (this.refreshing || !this.rows) return;
    this.refreshing = true;
    const filter = this.filter();
    try {
      const rows = await this.ask();
      if (filter !== this.filter()) return;
      this.accept(rows, this.rows);
    } catch (error) {
      if (error instanceof ApiError && (error.problem === 'unauthorised' || error.problem === 'forbidden')) {
        this.fail(error);
        return;
      }
      this.refreshProblem = error instanceof Error ? error.message : String(error);
    } finally {
      this.refreshing = false;
    }
    this.render();
  }

  /** "Live, every N s, updated at ..." and, after a failed refresh, why the rows are stale. */
  protected liveStatus(testId: string): (Node | null)[] {
    const { t, config } = this.ctx;
    return [
      h(
        'p',
        { class: 'muted live', 'data-testid': testId },
        t('warnings.live', {
          seconds: Math.round(config.stockWarningsRefreshMs / 1000),
          time: this.updatedAt ? formatClock(this.updatedAt, config.timeZone) : '—',
        }),
      ),
      this.refreshProblem
        ? h('p', { class: 'stale', role: 'status' }, t('warnings.stale', { detail: this.refreshProblem }))
        : null,
    ];
  }

  override dispose(): void {
    super.dispose();
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
