import { addDays, dayOf, dayRange, daysBetween, instantAt, isDay, isTimeZone, weekday } from './calendar';

describe('calendar days', () => {
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

  it('puts an instant on its day in the time zone', () => {
    expect(dayOf('2026-03-01T17:00:00Z', 'Asia/Shanghai')).toBe('2026-03-02');
    expect(dayOf('2026-03-01T15:59:59Z', 'Asia/Shanghai')).toBe('2026-03-01');
    expect(dayOf('2026-03-01T03:00:00Z', 'America/New_York')).toBe('2026-02-28');
  });

  it('counts and moves days across months and years', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(daysBetween('2025-12-01', '2026-03-10')).toBe(99);
    expect(weekday('2026-03-01')).toBe(0);
  });

  it('finds the instant a wall clock shows, also across a daylight-saving change', () => {
    expect(instantAt('2026-03-02', 9 * 60 + 30, 'Asia/Shanghai').toISOString()).toBe(
      '2026-03-02T01:30:00.000Z',
    );
    expect(instantAt('2026-07-01', 12 * 60, 'Europe/Berlin').toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(instantAt('2026-01-15', 12 * 60, 'Europe/Berlin').toISOString()).toBe('2026-01-15T11:00:00.000Z');
    for (let minute = 0; minute < 1440; minute += 97)
      expect(dayOf(instantAt('2026-03-29', minute, 'Europe/Berlin'), 'Europe/Berlin')).toBe('2026-03-29');
  });

  it('knows real time zones only', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
