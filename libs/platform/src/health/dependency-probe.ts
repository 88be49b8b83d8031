/** What a dependency answered the last time it was asked. */
export interface DependencyOutcome {
  up: boolean;
  /** Why it is down (the error, or that it did not answer in time). */
  message?: string;
  /** What the check reported when up, e.g. the broker count. */
  details?: Record<string, unknown>;
  /** When the outcome was settled, ms since the epoch. */
  checkedAt: number;
}

export interface DependencyProbeOptions {
  /** The dependency, as health details and the dependency_up metric name it ("database", "kafka"). */
  name: string;
  /** Asks the dependency over the connection the service already holds; rejects when it does not answer. */
  check: () => Promise<Record<string, unknown> | void>;
  /** An outcome younger than this is answered again without asking the dependency. */
  maxAgeMs: number;
  /**
   * A check still running after this counts as down for the caller. It goes on running, and no other
   * check starts meanwhile: a dependency that hangs is never asked more than once at a time.
   */
  timeoutMs: number;
  /** A check running this long is given up and a new one may start (default 10 x timeoutMs). */
  abandonAfterMs?: number;
  now?: () => number;
  /** Told every settled outcome (the dependency_up gauge). */
  onOutcome?: (outcome: DependencyOutcome) => void;
}

interface Running {
  since: number;
  outcome: Promise<DependencyOutcome>;
}

/**
 * A dependency check that readiness probes, load balancers and scrapes share: the outcome is cached
 * for a few seconds and one check at most is in flight, so a burst of probes costs the dependency one
 * round trip and a dependency that hangs never piles up checks.
 */
export class DependencyProbe {
  private last?: DependencyOutcome;
  private running?: Running;
  /** Checks started so far: the number of the current one. */
  private checks = 0;

  constructor(private readonly options: DependencyProbeOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** The last outcome if it is fresh, else the running (or a new) check's, cut at timeoutMs. */
  async current(): Promise<DependencyOutcome> {
    const now = this.now();
    if (this.last && now - this.last.checkedAt < this.options.maxAgeMs) return this.last;
    const abandonAfterMs = this.options.abandonAfterMs ?? this.options.timeoutMs * 10;
    if (!this.running || now - this.running.since >= abandonAfterMs) {
      const running: Running = { since: now, outcome: this.run(++this.checks) };
      this.running = running;
      void running.outcome.then(() => {
        if (this.running === running) this.running = undefined;
      });
    }
    return this.withinTimeout(this.running.outcome);
  }

  private async run(check: number): Promise<DependencyOutcome> {
    let outcome: DependencyOutcome;
    try {
      const details = await this.options.check();
      outcome = { up: true, ...(details ? { details } : {}), checkedAt: this.now() };
    } catch (error) {
      outcome = { up: false, message: (error as Error)?.message ?? String(error), checkedAt: this.now() };
    }
    // An abandoned check's answer is older news than its successor's: only the current one counts.
    if (check === this.checks) this.record(outcome);
    return outcome;
  }

  private async withinTimeout(outcome: Promise<DependencyOutcome>): Promise<DependencyOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<DependencyOutcome>((resolve) => {
      timer = setTimeout(() => {
        // Cached like any other outcome; the check's own answer replaces it when it comes.
        const timedOut: DependencyOutcome = {
          up: false,
          message: `${this.options.name} did not answer within ${this.options.timeoutMs} ms`,
          checkedAt: this.now(),
        };
        this.record(timedOut);
        resolve(timedOut);
      }, this.options.timeoutMs);
    });
    try {
      return await Promise.race([outcome, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private record(outcome: DependencyOutcome): void {
    if (this.last && outcome.checkedAt < this.last.checkedAt) return;
    this.last = outcome;
    this.options.onOutcome?.(outcome);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
