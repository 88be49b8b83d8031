import fc from 'fast-check';
import {
  addHours,
  decide,
  DEFAULT_ANOMALY_PARAMS,
  EMPTY_HOUR,
  evaluateBursts,
  evaluateHours,
  evaluateRefundRates,
  thresholdVerdict,
  HourFigures,
  hourRange,
  judge,
  MetricReading,
  readMetric,
  weeksBefore,
} from './anomaly.domain';
import { median } from '../matrix/matrix.domain';

/** Fixed seed: a failure reproduces on every run. */
const RUNS = { seed: 20261215, numRuns: 200 };
const P = DEFAULT_ANOMALY_PARAMS;
const gmv = (value: number, volume: number): MetricReading => ({ value, volume });

describe('anomaly expected value and verdict', () => {
  it('takes the median of the weeks (mean of the two middle ones for four weeks)', () => {
    expect(median([1200, 800, 5000, 1000])).toBe(1100);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([])).toBeNull();
  });

  it('golden: GMV weeks 1000, 1200, 800, 5000 expect 1100 (a promotion week does not move it)', () => {
    const weeks = [gmv(1000, 20), gmv(1200, 24), gmv(800, 16), gmv(5000, 100)];
    // Median volume (20 + 24) / 2 = 22 >= 20. 600 against 1100 is -45.45 %: beyond 40 %.
    const drop = judge(gmv(600, 12), weeks, P);
    expect(drop).toEqual({ kind: 'DROP', expected: 1100, actual: 600, deviation: (600 - 1100) / 1100 });
    // 700 is -36.36 %: within. (The mean, 2000, would have called it a 65 % drop.)
    expect(judge(gmv(700, 14), weeks, P).kind).toBe('NORMAL');
    // 1600 is +45.45 %: a spike; 1540 is exactly +40 %: not beyond.
    expect(judge(gmv(1600, 30), weeks, P).kind).toBe('SPIKE');
    expect(judge(gmv(1540, 30), weeks, P).kind).toBe('NORMAL');
    // Exactly 40 % below is not beyond either: 600 against a flat 1000.
    const flat = [1, 2, 3, 4].map(() => gmv(1000, 20));
    expect(judge(gmv(600, 12), flat, P)).toEqual({
      kind: 'NORMAL',
      expected: 1000,
      actual: 600,
      deviation: -0.4,
    });
    expect(judge(gmv(599, 12), flat, P).kind).toBe('DROP');
  });

  it('golden: conversion 5 of 200 visitors against weeks of 5, 5, 4, 6 of 100 is a 50 % drop', () => {
    const week = (payingVisitors: number): HourFigures => ({ ...EMPTY_HOUR, visitors: 100, payingVisitors });
    const weeks = [5, 5, 4, 6].map((n) => readMetric('CONVERSION', week(n)));
    const now = readMetric('CONVERSION', { ...EMPTY_HOUR, visitors: 200, payingVisitors: 5 });
    expect(judge(now, weeks, P)).toEqual({ kind: 'DROP', expected: 0.05, actual: 0.025, deviation: -0.5 });
  });

  it('golden: payment success 0.9, 0.9, 0.8, 0.96 expect 0.9; 0.6 is within, 0.4 a drop', () => {
    const attempt = (ok: number, failed: number) =>
      readMetric('PAYMENT_SUCCESS', { ...EMPTY_HOUR, paymentsSucceeded: ok, paymentsFailed: failed });
    const weeks = [attempt(45, 5), attempt(45, 5), attempt(40, 10), attempt(48, 2)];
    const within = judge(attempt(30, 20), weeks, P);
    expect(within.kind).toBe('NORMAL');
    const drop = judge(attempt(20, 30), weeks, P);
    expect(drop).toMatchObject({ kind: 'DROP', expected: 0.9, actual: 0.4 });
    expect(drop.kind !== 'NONE' && drop.deviation).toBeCloseTo(-0.5556, 4);
  });

  it('gives no verdict in quiet hours, without a value, or against an expected 0', () => {
    // Median volume (10 + 10) / 2 = 10 < 20: quiet, however far the value is.
    expect(judge(gmv(0, 0), [gmv(500, 5), gmv(900, 10), gmv(900, 10), gmv(3000, 30)], P)).toEqual({
      kind: 'NONE',
      reason: 'QUIET',
    });
    // Median volume exactly 20 is enough.
    expect(judge(gmv(0, 0), [gmv(900, 10), gmv(900, 10), gmv(900, 30), gmv(900, 30)], P).kind).toBe('DROP');
    const visitors = [1, 2, 3, 4].map(() => readMetric('CONVERSION', { ...EMPTY_HOUR, visitors: 50 }));
    expect(judge(readMetric('CONVERSION', EMPTY_HOUR), visitors, P)).toEqual({
      kind: 'NONE',
      reason: 'NO_VALUE',
    });
    expect(
      judge(readMetric('CONVERSION', { ...EMPTY_HOUR, visitors: 50, payingVisitors: 5 }), visitors, P),
    ).toEqual({ kind: 'NONE', reason: 'NO_BASELINE' });
  });
});

describe('anomaly raise and clear', () => {
  const drop = { kind: 'DROP', expected: 10, actual: 1, deviation: -0.9 } as const;
  const spike = { kind: 'SPIKE', expected: 10, actual: 20, deviation: 1 } as const;
  const normal = { kind: 'NORMAL', expected: 10, actual: 11, deviation: 0.1 } as const;
  const none = { kind: 'NONE', reason: 'QUIET' } as const;

  it('raises once per episode, clears on recovery, turns over on the opposite deviation', () => {
    expect(decide(null, drop)).toEqual({ clear: false, raise: 'DROP' });
    expect(decide({ direction: 'DROP' }, drop)).toEqual({ clear: false, raise: null });
    expect(decide({ direction: 'DROP' }, normal)).toEqual({ clear: true, raise: null });
    expect(decide({ direction: 'DROP' }, spike)).toEqual({ clear: true, raise: 'SPIKE' });
    expect(decide({ direction: 'DROP' }, none)).toEqual({ clear: false, raise: null });
    expect(decide(null, normal)).toEqual({ clear: false, raise: null });
  });
});

describe('hour keys', () => {
  it('count on the wall clock across days, months and leap days', () => {
    expect(addHours('2026-02-28T23', 1)).toBe('2026-03-01T00');
    expect(weeksBefore('2028-03-06T10', 1)).toBe('2028-02-28T10');
    expect(weeksBefore('2026-03-01T10', 4)).toBe('2026-02-01T10');
    expect(hourRange('2026-03-01T22', '2026-03-02T01')).toEqual([
      '2026-03-01T22',
      '2026-03-01T23',
      '2026-03-02T00',
    ]);
  });
});

/** Ten o'clock on four Sundays of February 2026 and on 2026-03-01, with the hours after it. */
const ordinary: HourFigures = {
  gmv: 100_000,
  paidOrders: 25,
  visitors: 100,
  payingVisitors: 25,
  paymentsSucceeded: 25,
  paymentsFailed: 5,
};
function historyFor(hours: readonly string[]): Map<string, HourFigures> {
  const figures = new Map<string, HourFigures>();
  for (const hour of hours) for (const w of [1, 2, 3, 4]) figures.set(weeksBefore(hour, w), ordinary);
  return figures;
}

describe('evaluateHours', () => {
  const hours = hourRange('2026-03-01T10', '2026-03-01T14');

  it('golden: a conversion drop at 11:00 raises, persists at 12:00 and clears at 13:00', () => {
    const figures = historyFor(hours);
    for (const h of hours) figures.set(h, ordinary);
    // 10 of 100 visitors paid against 0.25: -60 %; 12 of 100 at 12:00: -52 %; 20 of 100 at 13:00: -20 %.
    figures.set('2026-03-01T11', { ...ordinary, payingVisitors: 10 });
    figures.set('2026-03-01T12', { ...ordinary, payingVisitors: 12 });
    figures.set('2026-03-01T13', { ...ordinary, payingVisitors: 20 });
    const changes = evaluateHours(hours, figures, [], P);
    expect(changes).toEqual([
      {
        kind: 'RAISE',
        id: 'HOURLY:CONVERSION:2026-03-01T11',
        metric: 'CONVERSION',
        direction: 'DROP',
        hour: '2026-03-01T11',
        expected: 0.25,
        actual: 0.1,
        deviation: (0.1 - 0.25) / 0.25,
      },
      {
        kind: 'CLEAR',
        id: 'HOURLY:CONVERSION:2026-03-01T11',
        metric: 'CONVERSION',
        hour: '2026-03-01T13',
        expected: 0.25,
        actual: 0.2,
        deviation: (0.2 - 0.25) / 0.25,
      },
    ]);
  });

  it('clears an alert open before the evaluation, and a lost hour of GMV raises a 100 % drop', () => {
    const figures = historyFor(hours);
    for (const h of hours) figures.set(h, ordinary);
    figures.delete('2026-03-01T12');
    const open = [{ id: 'HOURLY:GMV:2026-03-01T09', metric: 'GMV' as const, direction: 'SPIKE' as const }];
    const changes = evaluateHours(hours, figures, open, P).map((c) => [c.kind, c.id, c.hour, c.actual]);
    expect(changes).toEqual([
      ['CLEAR', 'HOURLY:GMV:2026-03-01T09', '2026-03-01T10', 100_000],
      ['RAISE', 'HOURLY:GMV:2026-03-01T12', '2026-03-01T12', 0],
      ['CLEAR', 'HOURLY:GMV:2026-03-01T12', '2026-03-01T13', 100_000],
    ]);
  });

  it('raises nothing on noise within ±15 % of every figure (the threshold is 40 %)', () => {
    const noisy = fc.record({
      gmv: fc.integer({ min: 85_000, max: 115_000 }),
      paidOrders: fc.integer({ min: 25, max: 29 }),
      visitors: fc.constant(100),
      payingVisitors: fc.integer({ min: 22, max: 28 }),
      paymentsSucceeded: fc.integer({ min: 26, max: 30 }),
      paymentsFailed: fc.integer({ min: 0, max: 4 }),
    });
    fc.assert(
      fc.property(fc.array(noisy, { minLength: 5 * 4, maxLength: 5 * 4 }), (sample) => {
        const figures = new Map<string, HourFigures>();
        hours.forEach((hour, i) => {
          for (let w = 0; w <= 4; w++) figures.set(weeksBefore(hour, w), sample[i * 5 + w]);
        });
        return evaluateHours(hours, figures, [], P).length === 0;
      }),
      RUNS,
    );
  });

  it('decides the same whether the hours are evaluated in one run or hour by hour', () => {
    const figures = historyFor(hours);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 4, maxLength: 4 }), (paying) => {
        hours.forEach((h, i) => figures.set(h, { ...ordinary, payingVisitors: paying[i] }));
        const once = evaluateHours(hours, figures, [], P);
        const stepwise: typeof once = [];
        let open: { id: string; metric: 'CONVERSION'; direction: 'DROP' | 'SPIKE' }[] = [];
        for (const hour of hours) {
          for (const c of evaluateHours([hour], figures, open, P)) {
            stepwise.push(c);
            if (c.kind === 'CLEAR') open = open.filter((o) => o.id !== c.id);
            else open = [...open, { id: c.id, metric: 'CONVERSION', direction: c.direction }];
          }
        }
        expect(stepwise).toEqual(once);
      }),
      RUNS,
    );
  });
});

describe('limit rules', () => {
  it('golden: above the limit is a spike, at it normal, without volume no verdict', () => {
    expect(thresholdVerdict(0.25, 0.2, true)).toEqual({
      kind: 'SPIKE',
      expected: 0.2,
      actual: 0.25,
      deviation: (0.25 - 0.2) / 0.2,
    });
    expect(thresholdVerdict(0.2, 0.2, true).kind).toBe('NORMAL');
    expect(thresholdVerdict(0.9, 0.2, false)).toEqual({ kind: 'NONE', reason: 'QUIET' });
    expect(thresholdVerdict(null, 0.2, true)).toEqual({ kind: 'NONE', reason: 'NO_VALUE' });
  });

  it('golden: 25 failures in 10:00-10:10 raise a burst, 3 at 10:10 clear it, exactly 20 does not raise, 21 does', () => {
    const w = (hhmm: string) => new Date(`2026-03-01T${hhmm}:00.000Z`).toISOString();
    const counts = new Map([
      [w('10:00'), 25],
      [w('10:10'), 3],
      [w('10:20'), 20],
      [w('10:30'), 21],
    ]);
    const changes = evaluateBursts(new Date(w('09:50')), new Date(w('10:50')), counts, null, 20);
    expect(changes).toEqual([
      {
        kind: 'RAISE',
        id: `PAYMENT_FAILURE_BURST:PAYMENT_FAILURES:${w('10:00')}`,
        sku: null,
        at: w('10:00'),
        expected: 20,
        actual: 25,
        deviation: 0.25,
      },
      {
        kind: 'CLEAR',
        id: `PAYMENT_FAILURE_BURST:PAYMENT_FAILURES:${w('10:00')}`,
        sku: null,
        at: w('10:10'),
        expected: 20,
        actual: 3,
        deviation: -0.85,
      },
      {
        kind: 'RAISE',
        id: `PAYMENT_FAILURE_BURST:PAYMENT_FAILURES:${w('10:30')}`,
        sku: null,
        at: w('10:30'),
        expected: 20,
        actual: 21,
        deviation: 0.05,
      },
      // 10:40 had no failure: 0 is within the limit.
      {
        kind: 'CLEAR',
        id: `PAYMENT_FAILURE_BURST:PAYMENT_FAILURES:${w('10:30')}`,
        sku: null,
        at: w('10:40'),
        expected: 20,
        actual: 0,
        deviation: -1,
      },
    ]);
  });

  it('golden: refund rate 6 of 25 units (24 %) raises, 8 of 40 (20 %) does not, 5 of 10 units is too few', () => {
    const params = { refundRatePct: 20, refundMinUnits: 20 };
    const day1 = evaluateRefundRates(
      '2026-03-01',
      [
        { sku: 'OK', paidUnits: 40, refundedUnits: 8 },
        { sku: 'BAD', paidUnits: 25, refundedUnits: 6 },
        { sku: 'FEW', paidUnits: 10, refundedUnits: 5 },
      ],
      [{ id: 'REFUND_RATE:REFUND_RATE:FEW:2026-02-20', sku: 'FEW' }],
      params,
    );
    expect(day1.map((c) => [c.kind, c.id, c.actual])).toEqual([
      ['RAISE', 'REFUND_RATE:REFUND_RATE:BAD:2026-03-01', 0.24],
    ]);
    expect(day1[0].deviation).toBeCloseTo(0.2, 10);
    // The next day 4 of 25: 16 %, cleared; FEW, still too few, stays open (no change).
    const day2 = evaluateRefundRates(
      '2026-03-02',
      [
        { sku: 'BAD', paidUnits: 25, refundedUnits: 4 },
        { sku: 'FEW', paidUnits: 12, refundedUnits: 0 },
      ],
      [
        { id: 'REFUND_RATE:REFUND_RATE:BAD:2026-03-01', sku: 'BAD' },
        { id: 'REFUND_RATE:REFUND_RATE:FEW:2026-02-20', sku: 'FEW' },
      ],
      params,
    );
    expect(day2.map((c) => [c.kind, c.id, c.actual])).toEqual([
      ['CLEAR', 'REFUND_RATE:REFUND_RATE:BAD:2026-03-01', 0.16],
    ]);
  });
});

describe('payment-failure bursts over any split of the windows', () => {
  it('decide the same in one run as in runs cut anywhere (a run carries the open alert on)', () => {
    const start = new Date('2026-03-01T00:00:00.000Z');
    const at = (i: number) => new Date(start.getTime() + i * 600_000);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 29 }), { maxLength: 5 }),
        (perWindow, cuts) => {
          const counts = new Map(perWindow.map((n, i) => [at(i).toISOString(), n]));
          const whole = evaluateBursts(at(0), at(perWindow.length), counts, null, 20);
          const bounds = [0, ...new Set(cuts.filter((c) => c < perWindow.length))].sort((a, b) => a - b);
          const pieces: typeof whole = [];
          let open: { id: string; sku: null } | null = null;
          bounds.forEach((from, k) => {
            const to = bounds[k + 1] ?? perWindow.length;
            for (const c of evaluateBursts(at(from), at(to), counts, open, 20)) {
              pieces.push(c);
              open = c.kind === 'RAISE' ? { id: c.id, sku: null } : null;
            }
          });
          expect(pieces).toEqual(whole);
          // A raise only on a window above 20, a clear only on one at or below it.
          for (const c of whole) expect(c.kind === 'RAISE' ? c.actual > 20 : c.actual <= 20).toBe(true);
        },
      ),
      RUNS,
    );
  });
});
