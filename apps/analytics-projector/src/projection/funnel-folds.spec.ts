import type { SqlExecutor } from '@ecom/event-sourcing';
import { FunnelFolds } from './funnel-folds';

/** A SqlExecutor that counts the folds it is asked for (and can fail the next one). */
function recordingSql() {
  const calls: string[] = [];
  let failNext = false;
  const sql: SqlExecutor = {
    query: async (text: string) => {
      if (failNext) {
        failNext = false;
        throw new Error('connection lost');
      }
      calls.push(text);
      return [];
    },
  } as SqlExecutor;
  return {
    sql,
    folds: () => calls.filter((c) => c.includes('an_funnel_pending')).length,
    fail: () => (failNext = true),
  };
}

describe('FunnelFolds', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('folds once per interval however many batches marked the funnel pending, and not when none did', async () => {
    const db = recordingSql();
    const folds = new FunnelFolds(db.sql, 1000);
    await jest.advanceTimersByTimeAsync(1000);
    expect(db.folds()).toBe(1); // what a crash may have left pending, once after the start
    for (let i = 0; i < 50; i++) folds.markDue();
    await jest.advanceTimersByTimeAsync(999);
    expect(db.folds()).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(db.folds()).toBe(2);
    await jest.advanceTimersByTimeAsync(5000);
    expect(db.folds()).toBe(2);
    await folds.onModuleDestroy();
  });

  it('tries a failed fold again one interval later', async () => {
    const db = recordingSql();
    const folds = new FunnelFolds(db.sql, 1000);
    db.fail();
    await jest.advanceTimersByTimeAsync(1000);
    expect(db.folds()).toBe(0);
    await jest.advanceTimersByTimeAsync(1000);
    expect(db.folds()).toBe(1);
    await folds.onModuleDestroy();
  });

  it('folds nothing more once the module is destroyed, and foldNow folds at once', async () => {
    const db = recordingSql();
    const folds = new FunnelFolds(db.sql, 1000);
    await folds.foldNow();
    expect(db.folds()).toBe(1);
    await folds.onModuleDestroy();
    folds.markDue();
    await jest.advanceTimersByTimeAsync(5000);
    expect(db.folds()).toBe(1);
  });
});
