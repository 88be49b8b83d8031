import { CLOCK_TICKS, CpuSnapshot, readTicks, usageBetween } from './proc-cpu';

const self = { user: 0, system: 0 };
const at = (atMs: number, processes: [number, string, number][], cpu = self): CpuSnapshot => ({
  atMs,
  processes: new Map(processes.map(([pid, group, ticks]) => [pid, { group, ticks }])),
  self: cpu,
});

describe('per-process CPU', () => {
  it('reads utime + stime of a live process, nothing of a missing one', () => {
    expect(readTicks(process.pid)).toEqual(expect.any(Number));
    expect(readTicks(2 ** 30)).toBeUndefined();
  });

  it('bills deltas to groups, counts newcomers whole and reports restarts but not backend churn', () => {
    const before = at(0, [
      [1, 'orders', 100],
      [2, 'postgres', 50],
      [3, 'postgres', 10],
      [4, 'catalog', 20],
    ]);
    const after = at(
      1000,
      [
        [1, 'orders', 150],
        [2, 'postgres', 70],
        [5, 'postgres', 5],
        [6, 'catalog', 3],
        [7, 'postgres-other', 40],
      ],
      { user: 30_000, system: 10_000 },
    );
    const usage = usageBetween(before, after);
    const ms = (ticks: number) => Math.round((ticks * 1000) / CLOCK_TICKS);
    expect(usage.byGroup).toEqual({
      orders: ms(50),
      postgres: ms(20) + ms(5),
      catalog: ms(3),
      'postgres-other': ms(40),
      'load-generator': 40,
    });
    expect(usage.totalMs).toBe(ms(50) + ms(20) + ms(5) + ms(3) + 40);
    expect(usage).toMatchObject({ wallMs: 1000, exited: 2, appeared: 3, restarted: ['catalog'] });
  });
});
