import { renderProgress } from './progress-bar';

describe('rebuild progress bar', () => {
  it('shows the share done, the counts and the rate', () => {
    expect(renderProgress({ done: 50, total: 200, elapsedMs: 2000, eventsPerSecond: 25 }, 8)).toBe(
      '[##------]  25.0%  50/200 events  25 ev/s  2.0 s',
    );
    expect(renderProgress({ done: 0, total: 0, elapsedMs: 0, eventsPerSecond: 0 }, 4)).toBe(
      '[####] 100.0%  0/0 events  0 ev/s  0.0 s',
    );
  });
});
