import { addDays, dayOf, dayRange, daysBetween, isDay } from './time';

describe('analytics days', () => {
  it('buckets an instant by the calendar day of the time zone', () => {
    expect(dayOf('2026-03-01T15:59:59.999Z', 'Asia/Shanghai')).toBe('2026-03-01');
    expect(dayOf('2026-03-01T16:00:00.000Z', 'Asia/Shanghai')).toBe('2026-03-02');
    expect(dayOf('2026-03-01T16:00:00.000Z', 'UTC')).toBe('2026-03-01');
    expect(dayOf('2026-03-01T03:00:00.000Z', 'America/New_York')).toBe('2026-02-28');
  });

  it('does calendar arithmetic on days, across months and leap years', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-01-01', '2026-03-01')).toBe(59);
    expect(dayRange('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
  });

  it('accepts only real calendar days', () => {
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-02-30')).toBe(false);
    expect(isDay('2026-2-3')).toBe(false);
  });
});
