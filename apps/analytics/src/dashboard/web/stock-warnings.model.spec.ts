import { STOCK_WARNING_TYPES } from '@ecom/contracts';
import type { StockWarningView } from '@ecom/analytics-read-models';
import {
  changedWarnings,
  countBySeverity,
  sortWarnings,
  warningKey,
  WARNING_TYPES,
} from './stock-warnings.model';

const warning = (
  type: StockWarningView['type'],
  sku: string,
  available = 0,
  warehouse: string | null = null,
): StockWarningView => ({
  sku,
  warehouse,
  type,
  available,
  safetyStock: 10,
  daysOfCover: null,
  suggestedReorderQty: 20,
  since: '2026-03-10T01:00:00.000Z',
  details: {},
});

describe('stock warnings table', () => {
  it('knows every warning type of the contract', () => {
    expect([...WARNING_TYPES].sort()).toEqual([...STOCK_WARNING_TYPES].sort());
  });

  it('lists the most severe first, then by type and SKU', () => {
    const sorted = sortWarnings([
      warning('SLOW_MOVING', 'A'),
      warning('BELOW_SAFETY_STOCK', 'B', 3),
      warning('OUT_OF_STOCK', 'C'),
      warning('NEAR_EXPIRY', 'D', 4, 'SH'),
      warning('BELOW_SAFETY_STOCK', 'A', 3),
    ]);
    expect(sorted.map((w) => `${w.type}:${w.sku}`)).toEqual([
      'OUT_OF_STOCK:C',
      'BELOW_SAFETY_STOCK:A',
      'BELOW_SAFETY_STOCK:B',
      'NEAR_EXPIRY:D',
      'SLOW_MOVING:A',
    ]);
    expect(countBySeverity(sorted)).toEqual({ critical: 1, high: 2, medium: 1, low: 1 });
  });

  it('marks new warnings and warnings whose figures moved, nothing on the first load', () => {
    const before = [warning('OUT_OF_STOCK', 'A'), warning('BELOW_SAFETY_STOCK', 'B', 3)];
    expect(changedWarnings(undefined, before).size).toBe(0);
    const after = [
      warning('OUT_OF_STOCK', 'A'),
      warning('BELOW_SAFETY_STOCK', 'B', 2),
      warning('OUT_OF_STOCK', 'C'),
    ];
    expect(changedWarnings(before, after)).toEqual(new Set([warningKey(after[1]), warningKey(after[2])]));
    // The same SKU in another warehouse is another warning.
    expect(warningKey(warning('NEAR_EXPIRY', 'A', 1, 'SH'))).not.toBe(
      warningKey(warning('NEAR_EXPIRY', 'A', 1, 'BJ')),
    );
  });
});
