import type { RebuildProgress } from './rebuild-read-models';

/** "[##########----------]  50.0%  5000/10000 events  2500 ev/s  2.0 s", redrawn in place on a terminal. */
export function renderProgress(p: RebuildProgress, width = 30): string {
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const filled = Math.round(fraction * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  return (
    `[${bar}] ${(fraction * 100).toFixed(1).padStart(5)}%  ${p.done}/${p.total} events  ` +
    `${p.eventsPerSecond} ev/s  ${(p.elapsedMs / 1000).toFixed(1)} s`
  );
}

/** Writes progress lines: in place on a TTY, else one line per call at most every `everyMs`. */
export function progressWriter(stream: NodeJS.WriteStream = process.stderr, everyMs = 2000) {
  let lastLine = 0;
  return (p: RebuildProgress) => {
    const line = renderProgress(p);
    if (stream.isTTY) {
      stream.write(`\r${line}`);
    } else if (Date.now() - lastLine >= everyMs || p.done >= p.total) {
      stream.write(`${line}\n`);
      lastLine = Date.now();
    }
  };
}
