/**
 * Progress on stderr, so stdout carries only the final table. On a terminal a ticking line is
 * rewritten in place; when stderr is a pipe (CI, the jest spec) a plain line is printed every few
 * seconds instead, so logs stay readable.
 */

const interactive = Boolean(process.stderr.isTTY);
let started = Date.now();

function stamp(): string {
  return `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
}

export function resetClock(): void {
  started = Date.now();
}

/** A line per phase. */
export function phase(title: string): void {
  process.stderr.write(`\n[bench ${stamp()}] == ${title}\n`);
}

export function info(message: string): void {
  process.stderr.write(`[bench ${stamp()}]    ${message}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`[bench ${stamp()}] !! ${message}\n`);
}

/** A counter that re-renders itself until stopped; `render` is called on every tick. */
export class Ticker {
  private timer?: NodeJS.Timeout;
  private lastPrinted = 0;

  constructor(
    private readonly label: string,
    private readonly render: () => string,
    private readonly intervalMs = interactive ? 250 : 2000,
  ) {}

  start(): this {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  private tick(): void {
    const line = `[bench ${stamp()}]    ${this.label}: ${this.render()}`;
    if (interactive) {
      process.stderr.write(`\r\x1b[2K${line}`);
    } else if (Date.now() - this.lastPrinted >= this.intervalMs) {
      this.lastPrinted = Date.now();
      process.stderr.write(`${line}\n`);
    }
  }

  stop(summary?: string): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (interactive) process.stderr.write('\r\x1b[2K');
    if (summary !== undefined) info(`${this.label}: ${summary}`);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
