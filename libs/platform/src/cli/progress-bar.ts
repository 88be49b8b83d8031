import type { ReplayProgress } from '../event-sourcing/topic-replay';

/** How far a long-running command is: `done` of `total` units after `elapsedMs`. */
export interface ProgressCounts {
  done: number;
  total: number;
  elapsedMs: number;
  /** Units per second; worked out from done and elapsedMs when not given. */
  perSecond?: number;
}

/** What the bar says around its counts: "catalog [####--]  50.0%  5/10 SKUs  2 SKUs/s  1.0 s". */
export interface ProgressStyle {
  label?: string;
  /** The counted units, e.g. "events", "SKUs". */
  unit: string;
  /** The rate's unit, e.g. "ev/s"; default "<unit>/s". */
  rate?: string;
  width?: number;
}

export const EVENTS_PROGRESS: ProgressStyle = { unit: 'events', rate: 'ev/s' };

/** "[##########----------]  50.0%  5000/10000 events  2500 ev/s  2.0 s", with the style's label first. */
export function renderProgress(p: ProgressCounts, style: ProgressStyle = EVENTS_PROGRESS): string {
  const width = style.width ?? 30;
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const filled = Math.round(fraction * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  const perSecond = p.perSecond ?? (p.elapsedMs > 0 ? Math.round((p.done * 1000) / p.elapsedMs) : 0);
  return (
    (style.label ? `${style.label} ` : '') +
    `[${bar}] ${(fraction * 100).toFixed(1).padStart(5)}%  ${p.done}/${p.total} ${style.unit}  ` +
    `${perSecond} ${style.rate ?? `${style.unit}/s`}  ${(p.elapsedMs / 1000).toFixed(1)} s`
  );
}

/** Writes progress lines: in place on a TTY, else one line per call at most every `everyMs`. */
export function progressWriter(
  style: ProgressStyle = EVENTS_PROGRESS,
  stream: NodeJS.WriteStream = process.stderr,
  everyMs = 2000,
) {
  let lastLine = 0;
  return (p: ProgressCounts) => {
    const line = renderProgress(p, style);
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${line}`);
    } else if (Date.now() - lastLine >= everyMs || p.done >= p.total) {
      stream.write(`${line}\n`);
      lastLine = Date.now();
    }
  };
}

/** progressWriter for a topic replay (the analytics rebuild): events and events per second. */
export function replayProgressWriter(stream: NodeJS.WriteStream = process.stderr, everyMs = 2000) {
  const write = progressWriter(EVENTS_PROGRESS, stream, everyMs);
  return (p: ReplayProgress) =>
    write({ done: p.done, total: p.total, elapsedMs: p.elapsedMs, perSecond: p.eventsPerSecond });
}

/**
 * A bar a command advances as it goes (`advance()` per unit done, `finish()` at the end). Redrawn at
 * most every 100 ms on a terminal and every `everyMs` into a pipe, so advancing per unit costs little.
 */
export class ProgressBar {
  private done = 0;
  private lastDrawn = 0;
  /** The count last drawn (-1: nothing drawn yet). */
  private drawnDone = -1;
  private readonly started = Date.now();

  constructor(
    private total: number,
    private readonly style: ProgressStyle,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly everyMs = 2000,
  ) {}

  advance(by = 1): void {
    this.done += by;
    // A stage may do more than it planned (retries): the bar never shows more than 100%.
    if (this.done > this.total) this.total = this.done;
    const now = Date.now();
    if (now - this.lastDrawn >= (this.stream.isTTY ? 100 : this.everyMs)) this.draw(now);
  }

  /** Draws the final state (the units done are the total now) unless it is on screen, and returns the elapsed ms. */
  finish(): number {
    const now = Date.now();
    if (this.drawnDone !== this.done || this.total !== this.done) {
      this.total = this.done;
      this.draw(now);
    }
    if (this.stream.isTTY) this.stream.write('\n');
    return now - this.started;
  }

  private draw(now: number): void {
    this.lastDrawn = now;
    this.drawnDone = this.done;
    const line = renderProgress(
      { done: this.done, total: this.total, elapsedMs: now - this.started },
      this.style,
    );
    this.stream.write(this.stream.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
  }
}
