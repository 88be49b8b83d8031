/**
 * How the page writes figures, pure (no DOM): money from integer minor units, counts, ratios, days
 * and instants in the analytics time zone, and the calendar arithmetic of date ranges.
 */

import { addDays, daysBetween, isDay } from '@ecom/analytics-read-models/calendar';

export type Lang = 'zh' | 'en';

const LOCALES: Record<Lang, string> = { zh: 'zh-CN', en: 'en-US' };

export function localeOf(lang: Lang): string {
  return LOCALES[lang];
}

/** Digits after the decimal point of a currency's minor unit (CNY 2, JPY 0). */
export function minorUnitDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** An amount in minor units as major units (1999 CNY -> 19.99). */
export function toMajor(minor: number, currency: string): number {
  return minor / 10 ** minorUnitDigits(currency);
}

const DASH = '—';

export function formatMoney(minor: number | null | undefined, currency: string, lang: Lang): string {
  if (minor === null || minor === undefined) return DASH;
  const digits = minorUnitDigits(currency);
  return new Intl.NumberFormat(localeOf(lang), {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** digits);
}

export function formatCount(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined) return DASH;
  return new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: 0 }).format(value);
}

/** A number with up to `digits` decimals (days of cover). */
export function formatDecimal(value: number | null | undefined, lang: Lang, digits = 1): string {
  if (value === null || value === undefined) return DASH;
  return new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: digits }).format(value);
}

/** A ratio (0.125) as a percentage ("12.5%"). */
export function formatPercent(ratio: number | null | undefined, lang: Lang, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return DASH;
  return new Intl.NumberFormat(localeOf(lang), {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(ratio);
}

/** A change as a signed percentage ("+12.5%", "-3.0%"). */
export function formatChange(ratio: number | null | undefined, lang: Lang): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return DASH;
  const text = formatPercent(Math.abs(ratio), lang);
  if (ratio > 0) return `+${text}`;
  if (ratio < 0) return `-${text}`;
  return text;
}

/** An instant as "YYYY-MM-DD HH:mm" in the analytics time zone, whatever the browser's own zone. */
export function formatInstant(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return DASH;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** A time of day "HH:mm:ss" in the analytics time zone (when the warnings were last refreshed). */
export function formatClock(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

export { addDays, isDay };

/** Days from `from` to `to`, both included. */
export function rangeLength(from: string, to: string): number {
  return daysBetween(from, to) + 1;
}

export interface DayRange {
  from: string;
  to: string;
}

/** The range of the same length that ends the day before `range` starts. */
export function previousPeriod(range: DayRange): DayRange {
  const length = rangeLength(range.from, range.to);
  return { from: addDays(range.from, -length), to: addDays(range.from, -1) };
}

/** The analytics API answers ranges of at most this many days. */
export const MAX_RANGE_DAYS = 366;

/** Why a range the operator typed cannot be asked for, or null when it can. */
export function rangeProblem(range: DayRange): 'invalid' | 'reversed' | 'too_long' | null {
  if (!isDay(range.from) || !isDay(range.to)) return 'invalid';
  if (range.from > range.to) return 'reversed';
  if (rangeLength(range.from, range.to) > MAX_RANGE_DAYS) return 'too_long';
  return null;
}
