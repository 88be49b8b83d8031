import { judge } from './report';
import { percentile, summarize } from './stats';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 99)).toBe(0);
  });

  it('summarizes unsorted values', () => {
    expect(summarize([30, 10, 20])).toEqual({
      count: 3,
      min: 10,
      mean: 20,
      p50: 20,
      p95: 30,
      p99: 30,
      max: 30,
    });
  });

  it('judges a figure against its target, on the value or on the ratio to its reference', () => {
    expect(judge({ id: 'a', label: 'a', value: 300, unit: 'x', target: { op: '>=', value: 250 } }).pass).toBe(
      true,
    );
    expect(judge({ id: 'b', label: 'b', value: 9, unit: 'ms', target: { op: '<=', value: 8 } }).pass).toBe(
      false,
    );
    const ratio = judge({
      id: 'c',
      label: 'c',
      value: 400,
      unit: 'req/s',
      target: { op: '>=', value: 0.5, on: 'ratio' },
      reference: { label: 'ref', value: 1000, unit: 'req/s' },
    });
    expect(ratio).toMatchObject({ ratio: 0.4, pass: false });
    expect(
      judge({ id: 'd', label: 'd', value: null, unit: 'x', target: { op: '==', value: 1 } }).pass,
    ).toBeNull();
  });
});
