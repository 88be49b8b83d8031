import { Bookkeeping, FUNNEL_STEPS, salesByDay } from '../domain/bookkeeping';
import type { AnalyticsSummary, Check } from '../domain/summary-checks';

/** Minor units as money: 123456 -> "1,234.56". */
export function money(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const units = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}${units}.${String(abs % 100).padStart(2, '0')}`;
}

const percent = (ratio: number | null) => (ratio === null ? '-' : `${(ratio * 100).toFixed(1)}%`);
const signed = (value: number, digits: number) => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

/** One comparison of the A/B readout: the difference, its p-value and what to make of it. */
function comparisonText(c: AnalyticsSummary['experiment']['comparisons'][number]): string {
  const difference =
    c.absoluteDifference === null
      ? 'no difference (a variant without visitors)'
      : `${signed(c.absoluteDifference * 100, 1)} points` +
        (c.relativeDifference === null ? '' : ` (${signed(c.relativeDifference * 100, 1)}%)`);
  const p = c.pValue === null ? 'p-value -' : `p-value ${c.pValue.toFixed(4)}`;
  const verdict = c.sampleTooSmall
    ? `sample too small (${c.sampleTooSmallReasons.join('; ')})`
    : c.significant
      ? 'significant'
      : 'not significant';
  return `${c.variant} vs ${c.control}: ${difference}, ${p}, ${verdict}`;
}

/** Days shown one per line; earlier days are summed on one line. */
const RECENT_DAYS = 14;

/**
 * The end-of-run summary as text: what analytics answered next to what the simulator did, then
 * the checks. The full day-by-day figures are in the --out JSON.
 */
export function renderSummary(
  books: Bookkeeping,
  summary: AnalyticsSummary,
  checks: Check[],
  timeZone: string,
): string {
  const lines: string[] = [];
  const row = (label: string, text: string) => lines.push(`${label.padEnd(18)}${text}`);
  lines.push(
    `== summary: analytics as of ${summary.asOfDay} (${timeZone}) | the simulator's own bookkeeping`,
  );

  const segments = summary.rfm.segments
    .filter((s) => s.members > 0)
    .map((s) => `${s.segment} ${s.members}`)
    .join(', ');
  row('RFM segments', `${segments || 'none'} (${summary.rfm.members} members scored)`);
  row(
    'members who paid',
    `analytics ${summary.rfm.members} | simulator ${new Set(books.paid.map((p) => p.memberId)).size}`,
  );
  row('sleeping members', `analytics ${summary.sleepingMemberIds.length} | see the checks below`);

  const steps = summary.funnel.steps
    .map((s, i) =>
      i === 0 ? `${s.name} ${s.visitors}` : `${s.name} ${s.visitors} (${percent(s.conversionFromPrevious)})`,
    )
    .join(' -> ');
  const driven = books.funnel();
  row("today's funnel", steps);
  row('', `simulator: ${FUNNEL_STEPS.map((step) => driven[step]).join(' -> ')}`);

  const types = Object.entries(summary.stockWarnings.byType)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => `${type} ${count}`)
    .join(', ');
  row('stock warnings', `${summary.stockWarnings.total} open: ${types || 'none'}`);
  row(
    '',
    `flash SKU ${books.flash.sku}: ${summary.stockWarnings.flashSkuTypes.join(', ') || 'no warning'}; ` +
      `inventory on hand ${summary.flashStock.onHand}, reserved ${summary.flashStock.reserved}, available ${summary.flashStock.available}`,
  );

  const { experiment } = summary;
  const readout = new Map(experiment.variants.map((v) => [v.variant, v]));
  const booked = books.experiment();
  const variants = [...new Set([...booked.map((v) => v.variant as string), ...readout.keys()])].sort();
  row(
    `A/B ${experiment.key}`,
    experiment.variants.length ? 'analytics | simulator' : 'analytics has no visitor of it',
  );
  for (const variant of variants) {
    const a = readout.get(variant);
    const b = booked.find((v) => v.variant === variant);
    row(
      '',
      `${variant.padEnd(10)}${a ? `${a.visitors} visitors, ${a.convertedVisitors} converted (${percent(a.conversion)})` : '-'}` +
        ` | ${b ? `${b.visitors} visitors, ${b.convertedVisitors} converted` : '-'}`,
    );
  }
  for (const comparison of experiment.comparisons) row('', comparisonText(comparison));

  const mine = new Map(salesByDay(books.paid, books.refunds).map((d) => [d.day, d]));
  const days = [...new Set([...summary.sales.map((d) => d.day), ...mine.keys()])].sort();
  const theirs = new Map(summary.sales.map((d) => [d.day, d]));
  const cell = (gmv: number, paid: number) => `${money(gmv).padStart(14)} (${String(paid).padStart(4)})`;
  row(
    'GMV by day',
    `${'day'.padEnd(12)}${'analytics (paid)'.padStart(21)}   ${'simulator (paid)'.padStart(21)}`,
  );
  const earlier = days.slice(0, Math.max(0, days.length - RECENT_DAYS));
  const sum = (list: string[], pick: (day: string) => { gmv: number; ordersPaid: number } | undefined) =>
    list.reduce(
      (total, day) => ({
        gmv: total.gmv + (pick(day)?.gmv ?? 0),
        paid: total.paid + (pick(day)?.ordersPaid ?? 0),
      }),
      { gmv: 0, paid: 0 },
    );
  if (earlier.length > 0) {
    const a = sum(earlier, (d) => theirs.get(d));
    const b = sum(earlier, (d) => mine.get(d));
    row('', `${`${earlier.length} earlier`.padEnd(12)}${cell(a.gmv, a.paid)}   ${cell(b.gmv, b.paid)}`);
  }
  for (const day of days.slice(earlier.length)) {
    const a = theirs.get(day);
    const b = mine.get(day);
    row(
      '',
      `${day.padEnd(12)}${cell(a?.gmv ?? 0, a?.ordersPaid ?? 0)}   ${cell(b?.gmv ?? 0, b?.ordersPaid ?? 0)}`,
    );
  }
  const a = sum(days, (d) => theirs.get(d));
  const b = sum(days, (d) => mine.get(d));
  row('', `${'total'.padEnd(12)}${cell(a.gmv, a.paid)}   ${cell(b.gmv, b.paid)}`);

  lines.push('== checks (analytics against the bookkeeping)');
  for (const check of checks) lines.push(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.detail}`);
  return lines.join('\n');
}
