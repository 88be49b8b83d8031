import { Bookkeeping, DaySales, FUNNEL_STEPS, salesByDay, sleepingMembers } from './bookkeeping';
import { EXPERIMENT_KEY } from './experiment';

/** What the analytics and inventory APIs answered at the end of the run. */
export interface AnalyticsSummary {
  /** The day RFM was recomputed as of (the live day). */
  asOfDay: string;
  rfm: {
    members: number;
    sleeping: number;
    segments: { segment: string; members: number }[];
  };
  sleepingMemberIds: string[];
  /** The live day's funnel. */
  funnel: {
    steps: {
      name: string;
      visitors: number;
      conversionFromPrevious: number | null;
      conversionFromStart: number | null;
    }[];
  };
  stockWarnings: { total: number; byType: Record<string, number>; flashSkuTypes: string[] };
  sales: {
    day: string;
    gmv: number;
    ordersPaid: number;
    ordersPlaced: number;
    refunds: number;
    refundAmount: number;
  }[];
  flashStock: { onHand: number; reserved: number; available: number };
  /**
   * The live day's A/B readout (`GET /v1/analytics/experiments/checkout_copy` over the days of the
   * live day); no variants when analytics knows no visitor of it (404).
   */
  experiment: {
    key: string;
    variants: {
      variant: string;
      visitors: number;
      convertedVisitors: number;
      conversion: number | null;
    }[];
    comparisons: {
      variant: string;
      control: string;
      absoluteDifference: number | null;
      relativeDifference: number | null;
      pValue: number | null;
      significant: boolean;
      sampleTooSmall: boolean;
      sampleTooSmallReasons: string[];
    }[];
  };
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const list = (items: readonly string[], max = 5) =>
  items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

/**
 * The summary against the bookkeeping: every paid order in GMV on its day (per day: orders paid and
 * GMV equal), the funnel never growing from one step to the next, the live day's funnel equal to
 * the visitors the simulator drove, the flash SKU out of stock and never oversold, and the sleeping
 * members exactly those whose last paid order is more than `sleepingAfterDays` days old, and the A/B
 * readout's visitors and converted visitors per variant equal the simulator's. On a stack
 * that held data before the run, analytics counts more than this run did: the checks say where.
 */
export function checkSummary(
  books: Bookkeeping,
  summary: AnalyticsSummary,
  sleepingAfterDays: number,
): Check[] {
  const checks: Check[] = [];

  const expected = salesByDay(books.paid, books.refunds);
  const answered = new Map(summary.sales.map((s) => [s.day, s]));
  const expectedDays = new Map<string, DaySales>(expected.map((s) => [s.day, s]));
  const wrongDays = [...new Set([...expectedDays.keys(), ...answered.keys()])]
    .filter((day) => {
      const mine = expectedDays.get(day);
      const theirs = answered.get(day);
      return (mine?.gmv ?? 0) !== (theirs?.gmv ?? 0) || (mine?.ordersPaid ?? 0) !== (theirs?.ordersPaid ?? 0);
    })
    .sort()
    .map((day) => {
      const mine = expectedDays.get(day);
      const theirs = answered.get(day);
      return `${day}: ${mine?.ordersPaid ?? 0} paid / ${mine?.gmv ?? 0} expected, ${theirs?.ordersPaid ?? 0} / ${theirs?.gmv ?? 0} answered`;
    });
  checks.push({
    name: 'every paid order is in GMV on its day',
    ok: wrongDays.length === 0,
    detail:
      wrongDays.length === 0
        ? `${books.paid.length} paid orders on ${expected.length} days match`
        : `${wrongDays.length} days differ: ${list(wrongDays, 3)}`,
  });

  const visitors = summary.funnel.steps.map((s) => s.visitors);
  const grows = visitors.findIndex((v, i) => i > 0 && v > visitors[i - 1]);
  checks.push({
    name: 'the funnel never grows from one step to the next',
    ok: visitors.length === FUNNEL_STEPS.length && grows === -1,
    detail: visitors.join(' -> '),
  });

  const driven = books.funnel();
  const drivenCounts = FUNNEL_STEPS.map((step) => driven[step]);
  checks.push({
    name: "the live day's funnel counts the visitors the simulator drove",
    ok: drivenCounts.every((count, i) => count === visitors[i]),
    detail: `simulator ${drivenCounts.join(' -> ')}, analytics ${visitors.join(' -> ')}`,
  });

  const outOfStock = summary.stockWarnings.flashSkuTypes.includes('OUT_OF_STOCK');
  const { flashStock } = summary;
  // Units a cancelled flash order gave back may be confirmed again for someone else.
  const held = books.flash.confirmedUnits - books.flash.releasedUnits;
  checks.push({
    name: 'the flash-sale SKU sold out',
    ok: outOfStock && flashStock.available === 0,
    detail: `warnings [${summary.stockWarnings.flashSkuTypes.join(', ')}], available ${flashStock.available}`,
  });
  checks.push({
    name: 'the flash-sale SKU was never oversold',
    ok: held <= books.flash.unitsReceived && flashStock.reserved <= flashStock.onHand,
    detail:
      `${held} units held by confirmed orders of ${books.flash.unitsReceived} received` +
      (books.flash.releasedUnits ? ` (${books.flash.releasedUnits} given back by cancellations)` : '') +
      '; ' +
      `inventory on hand ${flashStock.onHand}, reserved ${flashStock.reserved}`,
  });

  const expectedSleeping = sleepingMembers(books.paid, summary.asOfDay, sleepingAfterDays);
  const answeredSleeping = new Set(summary.sleepingMemberIds);
  const missing = expectedSleeping.filter((id) => !answeredSleeping.has(id));
  const extra = [...answeredSleeping].filter((id) => !expectedSleeping.includes(id));
  checks.push({
    name: `sleeping members are those whose last paid order is more than ${sleepingAfterDays} days old`,
    ok: missing.length === 0 && extra.length === 0,
    detail:
      `${expectedSleeping.length} expected, ${answeredSleeping.size} answered` +
      (missing.length ? `; not sleeping in analytics: ${list(missing)}` : '') +
      (extra.length ? `; sleeping only in analytics: ${list(extra)}` : ''),
  });

  // Exact per variant, and every variant either side: one analytics has and the simulator never
  // drove (or the reverse) is a difference too.
  const booked = new Map(books.experiment().map((v) => [v.variant as string, v]));
  const readout = new Map(summary.experiment.variants.map((v) => [v.variant, v]));
  const variants = [...new Set([...booked.keys(), ...readout.keys()])].sort();
  const counts = (v?: { visitors: number; convertedVisitors: number }) =>
    `${v?.visitors ?? 0} visitors / ${v?.convertedVisitors ?? 0} converted`;
  const differing = variants.filter(
    (variant) =>
      (booked.get(variant)?.visitors ?? 0) !== (readout.get(variant)?.visitors ?? 0) ||
      (booked.get(variant)?.convertedVisitors ?? 0) !== (readout.get(variant)?.convertedVisitors ?? 0),
  );
  checks.push({
    name: `the ${EXPERIMENT_KEY} readout counts the visitors and conversions the simulator drove, per variant`,
    ok: differing.length === 0,
    detail: (differing.length === 0 ? variants : differing)
      .map(
        (variant) =>
          `${variant}: simulator ${counts(booked.get(variant))}, analytics ${counts(readout.get(variant))}`,
      )
      .join('; '),
  });
  return checks;
}
