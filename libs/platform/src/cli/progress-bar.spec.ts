import { ProgressBar, renderProgress, replayProgressWriter } from './progress-bar';

/** A stream that keeps what is written, as a terminal (isTTY) or a pipe. */
function capture(isTTY: boolean) {
  const written: string[] = [];
  const stream = {
    isTTY,
    write: (chunk: string) => written.push(chunk) > 0,
  } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('progress bar', () => {
  it('shows the share done, the counts and the rate', () => {
    expect(
      renderProgress(
        { done: 50, total: 200, elapsedMs: 2000, perSecond: 25 },
        { unit: 'events', rate: 'ev/s', width: 8 },
      ),
    ).toBe('[##------]  25.0%  50/200 events  25 ev/s  2.0 s');
    expect(
      renderProgress(
        { done: 0, total: 0, elapsedMs: 0, perSecond: 0 },
        { unit: 'events', rate: 'ev/s', width: 4 },
      ),
    ).toBe('[####] 100.0%  0/0 events  0 ev/s  0.0 s');
  });

  it('puts the label first and works the rate out when not given', () => {
    expect(
      renderProgress({ done: 30, total: 60, elapsedMs: 3000 }, { label: 'catalog', unit: 'SKUs', width: 4 }),
    ).toBe('catalog [##--]  50.0%  30/60 SKUs  10 SKUs/s  3.0 s');
  });

  it('writes a replay as events and events per second', () => {
    const { stream, written } = capture(false);
    replayProgressWriter(stream)({ done: 10, total: 10, elapsedMs: 1000, eventsPerSecond: 10 });
    expect(written).toEqual([`[${'#'.repeat(30)}] 100.0%  10/10 events  10 ev/s  1.0 s\n`]);
  });

  it('into a pipe, draws at most every interval and always the final state', () => {
    const { stream, written } = capture(false);
    const bar = new ProgressBar(5, { label: 'members', unit: 'members', width: 5 }, stream, 60_000);
    for (let i = 0; i < 3; i++) bar.advance();
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('1/5 members');
    bar.finish();
    expect(written).toHaveLength(2);
    // Finishing early: what was done is the whole of it.
    expect(written[1]).toMatch(/^members \[#####\] 100\.0% {2}3\/3 members /);
  });

  it('on a terminal, redraws in place and ends the line when finished', () => {
    const { stream, written } = capture(true);
    const bar = new ProgressBar(2, { unit: 'orders', width: 2 }, stream);
    bar.advance(2);
    bar.finish();
    expect(written[0].startsWith('\r\x1b[2K[##] 100.0%  2/2 orders')).toBe(true);
    expect(written.at(-1)).toBe('\n');
  });

  it('draws the final state once when the last advance already showed it', () => {
    const { stream, written } = capture(false);
    const bar = new ProgressBar(2, { unit: 'lines', width: 2 }, stream, 0);
    bar.advance(2);
    bar.finish();
    expect(written).toEqual([expect.stringContaining('2/2 lines')]);
  });

  it('never shows more than 100% when a stage does more than it planned', () => {
    const { stream, written } = capture(true);
    const bar = new ProgressBar(1, { unit: 'calls', width: 2 }, stream);
    bar.advance(3);
    bar.finish();
    expect(written.filter((w) => w.includes('%')).every((w) => w.includes('100.0%  3/3 calls'))).toBe(true);
  });
});
