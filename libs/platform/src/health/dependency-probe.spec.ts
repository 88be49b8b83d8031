import { DependencyOutcome, DependencyProbe } from './dependency-probe';

/** A check the test answers by hand: each call waits until the test settles it. */
function manualCheck() {
  const calls: Array<{ resolve: (details?: Record<string, unknown>) => void; reject: (e: Error) => void }> =
    [];
  const check = () =>
    new Promise<Record<string, unknown> | void>((resolve, reject) => calls.push({ resolve, reject }));
  return { check, calls };
}

describe('DependencyProbe', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-05-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('asks once for a burst of probes and answers from the cache until the outcome is maxAgeMs old', async () => {
    const { check, calls } = manualCheck();
    const seen: DependencyOutcome[] = [];
    const probe = new DependencyProbe({
      name: 'database',
      check,
      maxAgeMs: 3000,
      timeoutMs: 1000,
      onOutcome: (o) => seen.push(o),
    });
    const burst = Promise.all([probe.current(), probe.current(), probe.current()]);
    expect(calls).toHaveLength(1);
    calls[0].resolve({ brokers: 1 });
    const answers = await burst;
    expect(answers.map((a) => a.up)).toEqual([true, true, true]);
    expect(answers[0].details).toEqual({ brokers: 1 });

    await jest.advanceTimersByTimeAsync(2999);
    expect((await probe.current()).up).toBe(true);
    expect(calls).toHaveLength(1);

    await jest.advanceTimersByTimeAsync(1);
    const next = probe.current();
    expect(calls).toHaveLength(2);
    calls[1].reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    expect(await next).toMatchObject({ up: false, message: 'connect ECONNREFUSED 127.0.0.1:5432' });
    // A failure is cached too: a dependency that is down is not asked at every probe.
    expect((await probe.current()).up).toBe(false);
    expect(calls).toHaveLength(2);
    expect(seen.map((o) => o.up)).toEqual([true, false]);
  });

  it('answers down when the check does not answer in time, and starts no second check while it hangs', async () => {
    const { check, calls } = manualCheck();
    const probe = new DependencyProbe({ name: 'kafka', check, maxAgeMs: 3000, timeoutMs: 1000 });
    const first = probe.current();
    await jest.advanceTimersByTimeAsync(1000);
    expect(await first).toMatchObject({ up: false, message: 'kafka did not answer within 1000 ms' });

    // Stale again, the check still hangs: callers wait on it (cut at the timeout), nobody asks again.
    await jest.advanceTimersByTimeAsync(3000);
    const second = probe.current();
    await jest.advanceTimersByTimeAsync(1000);
    expect((await second).up).toBe(false);
    expect(calls).toHaveLength(1);

    // Its late answer is the newest outcome.
    calls[0].resolve();
    await jest.advanceTimersByTimeAsync(0);
    expect((await probe.current()).up).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('gives a check that never settles up after abandonAfterMs and asks again', async () => {
    const { check, calls } = manualCheck();
    const probe = new DependencyProbe({
      name: 'redis',
      check,
      maxAgeMs: 1000,
      timeoutMs: 500,
      abandonAfterMs: 5000,
    });
    void probe.current();
    await jest.advanceTimersByTimeAsync(4999);
    void probe.current();
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    const retried = probe.current();
    expect(calls).toHaveLength(2);
    calls[1].resolve();
    expect((await retried).up).toBe(true);
    // The abandoned check answering late is not news: the newer check's outcome stays.
    await jest.advanceTimersByTimeAsync(10);
    calls[0].reject(new Error('late'));
    await jest.advanceTimersByTimeAsync(0);
    expect(await probe.current()).toMatchObject({ up: true });
    expect(calls).toHaveLength(2);
  });
});
