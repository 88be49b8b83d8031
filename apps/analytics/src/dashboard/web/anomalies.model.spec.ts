import type { AnomalyAlertView } from '@ecom/analytics-read-models';
import { formatDeviation, formatReading, formatWindow, newAlertIds, sortAlerts } from './anomalies.model';

const alert = (id: string, from: string): AnomalyAlertView => ({
  id,
  type: 'HOURLY',
  metric: 'GMV',
  sku: null,
  direction: 'DROP',
  expected: 10_000,
  actual: 4_000,
  deviation: -0.6,
  window: { from, to: from },
  state: 'OPEN',
  clearedExpected: null,
  clearedActual: null,
  clearedDeviation: null,
  clearedFrom: null,
  clearedTo: null,
});

describe('anomaly alert figures', () => {
  it('writes each metric in its unit: GMV as money from minor units, rates as percentages, failures as a count', () => {
    expect(formatReading('GMV', 12_345, 'CNY', 'en')).toBe('¥123.45');
    expect(formatReading('GMV', 12_345.4, 'CNY', 'zh')).toBe('¥123.45');
    expect(formatReading('CONVERSION', 0.125, 'CNY', 'en')).toBe('12.5%');
    expect(formatReading('PAYMENT_SUCCESS', 0.9, 'CNY', 'en')).toBe('90.0%');
    expect(formatReading('REFUND_RATE', 0.2, 'CNY', 'en')).toBe('20.0%');
    expect(formatReading('PAYMENT_FAILURES', 1234, 'CNY', 'en')).toBe('1,234');
  });

  it('signs the deviation', () => {
    expect(formatDeviation(-0.6, 'en')).toBe('-60.0%');
    expect(formatDeviation(1.2, 'en')).toBe('+120.0%');
  });

  it('writes the window in the analytics time zone, the end day only when it differs', () => {
    // 01:00-02:00 UTC is 09:00-10:00 in Shanghai.
    expect(
      formatWindow({ from: '2026-03-10T01:00:00.000Z', to: '2026-03-10T02:00:00.000Z' }, 'Asia/Shanghai'),
    ).toBe('2026-03-10 09:00 – 10:00');
    // 30 days of refunds: both days written.
    expect(
      formatWindow({ from: '2026-02-08T16:00:00.000Z', to: '2026-03-10T16:00:00.000Z' }, 'Asia/Shanghai'),
    ).toBe('2026-02-09 00:00 – 2026-03-11 00:00');
  });

  it('lists the newest window first, then by id, and marks only ids not seen before', () => {
    const a = alert('A', '2026-03-10T01:00:00.000Z');
    const b = alert('B', '2026-03-10T02:00:00.000Z');
    const c = alert('C', '2026-03-10T02:00:00.000Z');
    expect(sortAlerts([a, c, b]).map((x) => x.id)).toEqual(['B', 'C', 'A']);
    expect([...newAlertIds(undefined, [a, b])]).toEqual([]);
    expect([...newAlertIds([a], [a, b, c])]).toEqual(['B', 'C']);
  });
});
