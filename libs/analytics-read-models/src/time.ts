/** Calendar days (one definition for every part of the system) and the analytics clock. */
export * from './calendar';

/** The analytics clock: the system time, or a fixed instant (ANALYTICS_FIXED_NOW) for reproducible runs and tests. */
export class AnalyticsClock {
  private fixed: Date | null;

  constructor(fixed: Date | null = null) {
    this.fixed = fixed;
  }

  now(): Date {
    return this.fixed ? new Date(this.fixed.getTime()) : new Date();
  }

  /** Freezes the clock at an instant (null goes back to the system time). */
  set(instant: Date | string | null): void {
    this.fixed = instant === null ? null : new Date(instant);
  }
}
