/**
 * Lifecycle, repurchase and cohort queries on generated facts: BENCH_MEMBERS members (default
 * 100,000) with about BENCH_ORDERS_PER_MEMBER (3) paid orders each over 540 days, 1-3 lines per
 * order over 600 SKUs of 200 products in 12 categories, one order in twenty refunded (half of those
 * in full), written straight into the fact tables of an analytics database of its own (dropped at
 * the end unless BENCH_KEEP=1). Each query runs BENCH_ROUNDS times (default 7) after a warm-up.
 *
 *   bash scripts/node.sh -r @swc-node/register bench/analytics/lifecycle.ts
 */
import './quiet';
import 'reflect-metadata';
import { LifecycleQueries } from '@ecom/analytics-read-models';
import { loadavg } from 'os';
import { withAnalyticsDatabase } from './analytics-database';
import { elapsedMs, log, timeQuery } from './query-timing';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100_000);
const ORDERS_PER_MEMBER = Number(process.env.BENCH_ORDERS_PER_MEMBER ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const AS_OF_DAY = '2026-11-30';

const timed = (label: string, work: () => Promise<unknown>) =>
  timeQuery(label, ROUNDS, work, { warmUp: true });
const loadAverage = () =>
  loadavg()
    .map((x: number) => x.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  await withAnalyticsDatabase('lifecycle', async (sql) => {
    const started = process.hrtime.bigint();
    await sql.query(
      `INSERT INTO an_products (product_id, category_id)
       SELECT 'p' || i, 'cat-' || (i % 12) FROM generate_series(0, 199) i`,
    );
    await sql.query(
      `INSERT INTO an_skus (sku, product_id) SELECT 's' || i, 'p' || (i % 200) FROM generate_series(0, 599) i`,
    );
    // Orders per member: 1 + an exponential draw around the mean (many one-time buyers, a long tail);
    // the random columns are drawn per row in the select lists (a lateral draw would be made once).
    await sql.query(
      `WITH members AS (
         SELECT m, 1 + floor(-ln(1 - random()) * ($2::numeric - 1))::int AS n FROM generate_series(1, $1::int) m),
       orders AS (
         SELECT m, k, $3::date - floor(random() * 540)::int AS d FROM members, generate_series(1, n) k)
       INSERT INTO an_orders_paid (order_id, event_id, member_id, visitor_id, channel, paid_at, day, amount, currency,
                                   method, payment_id)
       SELECT 'o' || m || '-' || k, gen_random_uuid(), 'm' || m, 'm' || m, 'web',
              d + time '12:00' - interval '8 hours', d, 1000 + floor(random() * 99000)::bigint, 'CNY', 'card',
              'pay-' || m || '-' || k
         FROM orders`,
      [MEMBERS, ORDERS_PER_MEMBER, AS_OF_DAY],
    );
    await sql.query(
      `INSERT INTO an_order_lines (order_id, line_no, sku, quantity, unit_price, line_total)
       SELECT order_id, l, 's' || floor(random() * 600)::int, 1, 1000, 1000
         FROM (SELECT order_id, 1 + floor(random() * 3)::int AS n FROM an_orders_paid) o, generate_series(1, n) l`,
    );
    await sql.query(
      `INSERT INTO an_refunds (refund_id, event_id, order_id, member_id, amount, currency, cause, issued_at, day)
       SELECT 'rf-' || order_id, gen_random_uuid(), order_id, member_id,
              CASE WHEN random() < 0.5 THEN amount ELSE amount / 2 END, 'CNY', 'RETURN', paid_at, day
         FROM an_orders_paid WHERE random() < 0.05`,
    );
    await sql.query(`ANALYZE`);
    const [{ orders }] = await sql.query(`SELECT count(*)::int AS orders FROM an_orders_paid`);
    const [{ lines }] = await sql.query(`SELECT count(*)::int AS lines FROM an_order_lines`);
    const [{ refunds }] = await sql.query(`SELECT count(*)::int AS refunds FROM an_refunds`);
    log(
      `generated ${MEMBERS} members, ${orders} paid orders, ${lines} lines, ${refunds} refunds in ${Math.round(elapsedMs(started))} ms`,
    );

    // A yardstick for the machine's speed at the time (the figures below scan these tables).
    await timed('yardstick: count(*) of an_orders_paid', () =>
      sql.query(`SELECT count(*) FROM an_orders_paid`),
    );
    await timed('yardstick: count(*) of an_order_lines', () =>
      sql.query(`SELECT count(*) FROM an_order_lines`),
    );
    log(`load average: ${loadAverage()}`);
    const queries = new LifecycleQueries(sql, {
      newDays: 30,
      activeDays: 60,
      sleepingDays: 90,
      lostDays: 180,
    });
    const stages = await queries.stages(AS_OF_DAY);
    log(`stages: ${stages.stages.map((s) => `${s.stage} ${s.members}`).join(', ')}`);
    await timed('GET /lifecycle (counts per stage)', () => queries.stages(AS_OF_DAY));
    await timed('GET /lifecycle/members?stage=at_risk&limit=50', () =>
      queries.members({ asOfDay: AS_OF_DAY, stage: 'at_risk', limit: 50 }),
    );
    await timed('GET /lifecycle/members?limit=50&offset=50000', () =>
      queries.members({ asOfDay: AS_OF_DAY, limit: 50, offset: 50_000 }),
    );
    await timed('GET /repurchase (90 days)', () => queries.repurchase({ from: '2026-09-02', to: AS_OF_DAY }));
    await timed('GET /repurchase (366 days)', () =>
      queries.repurchase({ from: '2025-11-30', to: AS_OF_DAY }),
    );
    await timed('GET /cohorts (12 cohorts x 12 months)', () =>
      queries.cohorts({ from: '2025-12', to: '2026-11', asOfDay: AS_OF_DAY, horizon: 12 }),
    );
    await timed('GET /cohorts (18 cohorts x 36 months)', () =>
      queries.cohorts({ from: '2025-06', to: '2026-11', asOfDay: AS_OF_DAY, horizon: 36 }),
    );
    log(`load average: ${loadAverage()}`);
  });
}

main().catch((error) => {
  log(String(error?.stack ?? error));
  process.exit(1);
});
