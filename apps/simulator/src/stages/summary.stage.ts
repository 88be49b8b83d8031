import { sleep } from '../api/service-api';
import { FUNNEL_STEPS, salesByDay } from '../domain/bookkeeping';
import { addDays, dayOf } from '@ecom/analytics-read-models/calendar';
import { EXPERIMENT_KEY } from '../domain/experiment';
import type { AnalyticsSummary } from '../domain/summary-checks';
import type { RunContext } from './run-context';

interface SalesAnswer {
  days: {
    day: string;
    gmv: number;
    ordersPaid: number;
    ordersPlaced: number;
    refunds: { count: number; amount: number };
  }[];
}
interface FunnelAnswer {
  steps: AnalyticsSummary['funnel']['steps'];
}
interface WarningAnswer {
  sku: string;
  type: string;
}

type ExperimentAnswer = Omit<AnalyticsSummary['experiment'], 'key'>;

const POLL_MS = 2000;

/**
 * Stage 6: waits until analytics has counted what the run did (every day's paid orders and refunds,
 * the live day's funnel and A/B readout, the flash SKU's OUT_OF_STOCK), has RFM recomputed, and
 * reads the summary: segments, sleeping members, the live day's funnel, open stock warnings, sales by
 * day, the A/B readout, and the flash SKU's stock from inventory.
 */
export async function readSummary(ctx: RunContext): Promise<AnalyticsSummary> {
  const { api, books, today, options } = ctx;
  const operator = async () => ({ token: await ctx.operator.bearer() });
  const from = addDays(today, -options.historyDays);
  const sales = async () =>
    (
      await api.analytics.get<SalesAnswer>(
        `/v1/analytics/sales?from=${from}&to=${today}&granularity=day`,
        await operator(),
      )
    ).body;
  const funnel = async () =>
    (
      await api.analytics.get<FunnelAnswer>(
        `/v1/analytics/funnel?from=${today}&to=${today}`,
        await operator(),
      )
    ).body;
  const warnings = async () =>
    (await api.analytics.get<WarningAnswer[]>('/v1/analytics/stock-warnings', await operator())).body;
  // Through the day it is now: a live day that ran past midnight exposed and converted on both.
  const experiment = async (): Promise<ExperimentAnswer> => {
    const answer = await api.analytics.get<ExperimentAnswer>(
      `/v1/analytics/experiments/${EXPERIMENT_KEY}?from=${today}&to=${dayOf(Date.now(), options.timeZone)}`,
      { ...(await operator()), expect: [200, 404] },
    );
    // 404: no visitor of the experiment counted yet.
    return answer.status === 404 ? { variants: [], comparisons: [] } : answer.body;
  };

  const expectedDays = salesByDay(books.paid, books.refunds);
  const expectedFunnel = books.funnel();
  const expectedVariants = books.experiment();
  const started = Date.now();
  let behind = '';
  for (;;) {
    const [answered, steps, open, readout] = await Promise.all([sales(), funnel(), warnings(), experiment()]);
    const byDay = new Map(answered.days.map((d) => [d.day, d]));
    const lateDays = expectedDays.filter((d) => {
      const got = byDay.get(d.day);
      return !got || got.ordersPaid < d.ordersPaid || got.refunds.count < d.refunds;
    }).length;
    const lateSteps = FUNNEL_STEPS.filter(
      (step, i) => (steps.steps[i]?.visitors ?? 0) < expectedFunnel[step],
    ).length;
    const lateVariants = expectedVariants.filter((mine) => {
      const got = readout.variants.find((v) => v.variant === mine.variant);
      return (got?.visitors ?? 0) < mine.visitors || (got?.convertedVisitors ?? 0) < mine.convertedVisitors;
    }).length;
    const flashWarned = open.some((w) => w.sku === books.flash.sku && w.type === 'OUT_OF_STOCK');
    behind = [
      lateDays ? `${lateDays} days of sales` : '',
      lateSteps ? `${lateSteps} funnel steps` : '',
      lateVariants ? `${lateVariants} ${EXPERIMENT_KEY} variants` : '',
      flashWarned ? '' : 'the flash SKU warning',
    ]
      .filter(Boolean)
      .join(', ');
    if (!behind) break;
    if (Date.now() - started > options.settleSeconds * 1000) {
      ctx.log(`analytics still behind after ${options.settleSeconds} s (${behind}): summarising what it has`);
      break;
    }
    await sleep(POLL_MS);
  }
  if (!behind) ctx.log(`analytics caught up in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const recompute = await api.analytics.post<{ asOfDay: string }>(
    '/v1/analytics/rfm/recompute',
    undefined,
    await operator(),
  );
  const segments = await api.analytics.get<{
    members: number;
    sleeping: number;
    segments: { segment: string; members: number }[];
  }>('/v1/analytics/rfm/segments', await operator());
  const sleepingMemberIds: string[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await api.analytics.get<{ total: number; items: { memberId: string }[] }>(
      `/v1/analytics/rfm?sleeping=true&limit=500&offset=${offset}`,
      await operator(),
    );
    sleepingMemberIds.push(...page.body.items.map((i) => i.memberId));
    if (page.body.items.length === 0 || sleepingMemberIds.length >= page.body.total) break;
  }
  const [answered, steps, open, readout] = await Promise.all([sales(), funnel(), warnings(), experiment()]);
  const byType: Record<string, number> = {};
  for (const warning of open) byType[warning.type] = (byType[warning.type] ?? 0) + 1;
  const flashStock = await api.inventory.get<{ onHand: number; reserved: number; available: number }>(
    `/v1/stock/${encodeURIComponent(books.flash.sku)}`,
    await operator(),
  );
  return {
    asOfDay: recompute.body.asOfDay,
    rfm: {
      members: segments.body.members,
      sleeping: segments.body.sleeping,
      segments: segments.body.segments.map(({ segment, members }) => ({ segment, members })),
    },
    sleepingMemberIds: sleepingMemberIds.sort(),
    funnel: { steps: steps.steps },
    stockWarnings: {
      total: open.length,
      byType,
      flashSkuTypes: open.filter((w) => w.sku === books.flash.sku).map((w) => w.type),
    },
    sales: answered.days.map((d) => ({
      day: d.day,
      gmv: d.gmv,
      ordersPaid: d.ordersPaid,
      ordersPlaced: d.ordersPlaced,
      refunds: d.refunds.count,
      refundAmount: d.refunds.amount,
    })),
    flashStock: {
      onHand: flashStock.body.onHand,
      reserved: flashStock.body.reserved,
      available: flashStock.body.available,
    },
    experiment: {
      key: EXPERIMENT_KEY,
      variants: readout.variants.map(({ variant, visitors, convertedVisitors, conversion }) => ({
        variant,
        visitors,
        convertedVisitors,
        conversion,
      })),
      comparisons: readout.comparisons.map((c) => ({
        variant: c.variant,
        control: c.control,
        absoluteDifference: c.absoluteDifference,
        relativeDifference: c.relativeDifference,
        pValue: c.pValue,
        significant: c.significant,
        sampleTooSmall: c.sampleTooSmall,
        sampleTooSmallReasons: c.sampleTooSmallReasons,
      })),
    },
  };
}
