import type { VariantComparison } from '@ecom/analytics-read-models';
import { formatInterval, formatPoints, formatPValue, verdictOf } from './experiments.model';

const comparison = (over: Partial<VariantComparison>): VariantComparison => ({
  variant: 'B',
  control: 'A',
  absoluteDifference: 0.02,
  relativeDifference: 0.2,
  confidenceLevel: 0.95,
  confidenceLower: 0.005,
  confidenceUpper: 0.035,
  z: 2.5,
  pValue: 0.0124,
  significant: true,
  sampleTooSmall: false,
  sampleTooSmallReasons: [],
  ...over,
});

describe('experiment readout figures', () => {
  it('says sample too small before anything else, then significant or not, and nothing without a p-value', () => {
    expect(verdictOf(comparison({}))).toBe('significant');
    expect(verdictOf(comparison({ significant: false, pValue: 0.2 }))).toBe('not_significant');
    // A p-value under 0.05 on a sample too small is not a result.
    expect(
      verdictOf(
        comparison({ significant: false, sampleTooSmall: true, sampleTooSmallReasons: ['A: 3 visitors'] }),
      ),
    ).toBe('too_small');
    expect(verdictOf(comparison({ pValue: null, significant: false }))).toBe('no_data');
  });

  it('writes differences and intervals in percentage points, signed', () => {
    expect(formatPoints(-1 / 3, 'en')).toBe('-33.3 pp');
    expect(formatPoints(0.02, 'en')).toBe('+2.0 pp');
    expect(formatPoints(0, 'en')).toBe('0.0 pp');
    expect(formatPoints(null, 'en')).toBe('—');
    expect(formatInterval(-1.0877, 0.4211, 'en')).toBe('[-108.8, +42.1] pp');
    expect(formatInterval(null, 0.1, 'en')).toBe('—');
  });

  it('writes the p-value to 3 decimals, and tiny ones as under 0.001', () => {
    expect(formatPValue(0.41422, 'en')).toBe('0.414');
    expect(formatPValue(0.05, 'zh')).toBe('0.050');
    expect(formatPValue(0.0000123, 'en')).toBe('< 0.001');
    expect(formatPValue(null, 'en')).toBe('—');
  });
});
