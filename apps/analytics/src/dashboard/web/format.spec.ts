import {
  addDays,
  formatChange,
  formatCount,
  formatInstant,
  formatMoney,
  formatPercent,
  previousPeriod,
  rangeLength,
  rangeProblem,
  toMajor,
} from './format';

describe('dashboard formatting', () => {
  it('writes money from minor units with the currency digits, in both languages', () => {
    expect(formatMoney(123456, 'CNY', 'zh')).toBe('¥1,234.56');
    expect(formatMoney(123456, 'CNY', 'en')).toBe('¥1,234.56');
    expect(formatMoney(-500, 'USD', 'en')).toBe('-$5.00');
    expect(formatMoney(1200, 'JPY', 'en')).toBe('¥1,200');
    expect(formatMoney(null, 'CNY', 'en')).toBe('—');
    expect(toMajor(1999, 'CNY')).toBe(19.99);
  });

  it('writes counts, ratios and changes', () => {
    expect(formatCount(12345, 'zh')).toBe('12,345');
    expect(formatPercent(0.125, 'en')).toBe('12.5%');
    expect(formatPercent(null, 'en')).toBe('—');
    expect(formatChange(0.2, 'en')).toBe('+20.0%');
    expect(formatChange(-0.05, 'zh')).toBe('-5.0%');
    expect(formatChange(null, 'zh')).toBe('—');
  });

  it('writes instants in the analytics time zone, not the browser one', () => {
    expect(formatInstant('2026-03-09T16:30:00.000Z', 'Asia/Shanghai')).toBe('2026-03-10 00:30');
    expect(formatInstant('2026-03-09T16:30:00.000Z', 'UTC')).toBe('2026-03-09 16:30');
  });

  it('computes the previous period of the same length and checks ranges', () => {
    expect(previousPeriod({ from: '2026-03-04', to: '2026-03-10' })).toEqual({
      from: '2026-02-25',
      to: '2026-03-03',
    });
    expect(previousPeriod({ from: '2026-03-01', to: '2026-03-01' })).toEqual({
      from: '2026-02-28',
      to: '2026-02-28',
    });
    expect(rangeLength('2024-02-28', '2024-03-01')).toBe(3);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(rangeProblem({ from: '2026-03-01', to: '2026-03-10' })).toBeNull();
    expect(rangeProblem({ from: '2026-02-30', to: '2026-03-10' })).toBe('invalid');
    expect(rangeProblem({ from: '2026-03-11', to: '2026-03-10' })).toBe('reversed');
    expect(rangeProblem({ from: '2025-01-01', to: '2026-03-10' })).toBe('too_long');
  });
});
