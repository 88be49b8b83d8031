/**
 * RFM benchmark: BENCH_MEMBERS members (default 1,000,000) with about 2.2 paid orders each over 400
 * days and a refund on one order in twenty, written straight into an_orders_paid / an_refunds of a
 * fresh analytics database (dropped at the end unless BENCH_KEEP=1), then:
 *
 * - the full recomputation (recomputeRfm, what the projector runs every 10 minutes): the first one
 *   (every row written), one right after (nothing changed), one a day later (window and sleeping moves);
 * - live scoring, the projector's per-batch step (scoreMembersLive): batches of 1, 10 and 100 payments
 *   of existing members, each in its own transaction with its facts, p50/p99 per batch and per payment;
 * - the same batches while a full recomputation runs (what a payment waits for at worst);
 * - the API's cost per request of reading the read models' version (cache keys), p50/p99.
 *
 *   node -r @swc-node/register bench/analytics/rfm.ts
 */
import './quiet';
import 'reflect-metadata';
import {
  readFactsVersion,
  recomputeRfm,
  RfmComputeSettings,
  scoreMembersLive,
} from '@ecom/analytics-read-models';
import { DataSource } from 'typeorm';
import { withAnalyticsDatabase } from './analytics-database';
import { elapsedMs as ms, log, percentiles } from './query-timing';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
/** The as-of day; orders are paid up to 399 days before it. */
const AS_OF = new Date('2026-11-30T04:00:00.000Z');
const AS_OF_DAY = '2026-11-30';
const GENERATE_CHUNK = 100_000;

const settings: RfmComputeSettings = {
  windowDays: 365,
  sleepingDays: 90,
  frequencyThresholds: [2, 3, 4, 5],
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
};

/** Members [from, to): 1 to 12 paid orders each (60 % one, 20 % two, ...), 1000.00 at most each. */
async function generate(sql: DataSource, from: number, to: number): Promise<number> {
  const [{ orders }] = await sql.query(
    `WITH members AS (
       SELECT i, md5('member' || i)::uuid::text AS member_id, random() AS r FROM generate_series($1::int, $2::int - 1) i
     ), orders AS (
       SELECT m.member_id, md5('order' || m.i || '-' || k)::uuid::text AS order_id,
              $3::date - floor(random() * random() * 400)::int AS day, 1000 + floor(random() * 99000)::bigint AS amount
         FROM members m
         CROSS JOIN LATERAL generate_series(1, CASE WHEN m.r < 0.6 THEN 1 WHEN m.r < 0.8 THEN 2 WHEN m.r < 0.9 THEN 3
                                                    WHEN m.r < 0.95 THEN 4 + floor(random() * 2)::int
                                                    ELSE 6 + floor(random() * 7)::int END) k
     ), paid AS (
       INSERT INTO an_orders_paid (order_id, event_id, member_id, visitor_id, channel, paid_at, day, amount, currency,
                                   method, payment_id)
       SELECT order_id, gen_random_uuid(), member_id, member_id, 'web', day + time '12:00' - interval '8 hours', day,
              amount, 'CNY', 'card', 'pay-' || order_id FROM orders
       RETURNING order_id, member_id, day, amount
     ), refunded AS (
       INSERT INTO an_refunds (refund_id, event_id, order_id, member_id, return_id, amount, currency, cause, issued_at, day)
       SELECT 'rf-' || order_id, gen_random_uuid(), order_id, member_id, NULL,
              CASE WHEN random() < 0.5 THEN amount ELSE amount / 2 END, 'CNY', 'RETURN',
              day + time '18:00' - interval '8 hours', day
         FROM paid WHERE random() < 0.05
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM paid)::int AS orders, (SELECT count(*) FROM refunded)::int AS refunds`,
    [from, to, AS_OF_DAY],
  );
  return orders;
}

/** `size` payments of random existing members today, written and scored in one transaction (a projector batch). */
async function liveBatch(
  sql: DataSource,
  size: number,
  seq: { n: number },
): Promise<{ total: number; scoring: number }> {
  const started = process.hrtime.bigint();
  let scoring = 0;
  await sql.transaction(async (tx) => {
    const members = Array.from({ length: size }, () => Math.floor(Math.random() * MEMBERS));
    const ids: string[] = [];
    for (const i of members) ids.push(`bench-live-${seq.n++}-${i}`);
    const [{ written }] = await tx.query(
      `WITH added AS (
         INSERT INTO an_orders_paid (order_id, event_id, member_id, visitor_id, channel, paid_at, day, amount, currency,
                                     method, payment_id)
         SELECT o.id, gen_random_uuid(), md5('member' || o.i)::uuid::text, 'v', 'web', $2::timestamptz, $3::date,
                5000, 'CNY', 'card', 'pay-' || o.id
           FROM unnest($1::text[], $4::int[]) AS o(id, i)
         RETURNING member_id)
       SELECT array_agg(member_id) AS written FROM added`,
      [ids, AS_OF, AS_OF_DAY, members],
    );
    const scoreStarted = process.hrtime.bigint();
    await scoreMembersLive(tx, written as string[], AS_OF, settings);
    scoring = ms(scoreStarted);
  });
  return { total: ms(started), scoring };
}

async function liveRounds(sql: DataSource, label: string, size: number, rounds: number, seq: { n: number }) {
  const totals: number[] = [];
  const scorings: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const { total, scoring } = await liveBatch(sql, size, seq);
    totals.push(total);
    scorings.push(scoring);
  }
  const batch = percentiles(scorings);
  const perPayment = percentiles(scorings.map((s) => s / size));
  const transaction = percentiles(totals);
  console.log(
    `${label.padEnd(44)} scoring per batch p50 ${batch.p50} ms p99 ${batch.p99} ms; per payment p50 ${perPayment.p50} ms; ` +
      `batch transaction (facts + scoring + commit) p50 ${transaction.p50} ms p99 ${transaction.p99} ms max ${transaction.max} ms`,
  );
  return { batch, perPayment, transaction };
}

async function main(): Promise<void> {
  await withAnalyticsDatabase(
    'rfm',
    async (sql) => {
      log(`generating ${MEMBERS} members' paid orders and refunds`);
      const generating = Date.now();
      let orders = 0;
      for (let from = 0; from < MEMBERS; from += GENERATE_CHUNK) {
        orders += await generate(sql, from, Math.min(MEMBERS, from + GENERATE_CHUNK));
        log(
          `  ${Math.min(MEMBERS, from + GENERATE_CHUNK)}/${MEMBERS} members, ${orders} orders (${((Date.now() - generating) / 1000).toFixed(0)} s)`,
        );
      }
      await sql.query(`ANALYZE an_orders_paid; ANALYZE an_refunds`);
      const [{ refunds }] = await sql.query(`SELECT count(*)::int AS refunds FROM an_refunds`);
      console.log(
        `facts: ${MEMBERS} members, ${orders} paid orders, ${refunds} refunds in ${((Date.now() - generating) / 1000).toFixed(1)} s`,
      );

      const recompute = async (label: string, asOf: Date) => {
        let last = 0;
        const started = Date.now();
        let firstPage = 0;
        const summary = await recomputeRfm(sql, asOf, settings, (done, total) => {
          // The first page comes after the one read of every member's values and the cut points.
          firstPage ||= Date.now() - started;
          if (done - last >= total / 10 || done === total) {
            last = done;
            log(`  ${label}: ${done}/${total} members rescored`);
          }
        });
        const [{ rows }] = await sql.query(`SELECT count(*)::int AS rows FROM an_rfm_scores`);
        console.log(
          `${`recompute, ${label}`.padEnd(44)} ${summary.durationMs} ms for ${summary.members} members (${rows} rows; ` +
            `values read and cut points published after ${firstPage} ms)`,
        );
        return summary.durationMs;
      };
      log('full recomputations');
      const full = {
        first: await recompute('first (every row written)', AS_OF),
        unchanged: await recompute('again (nothing changed)', AS_OF),
        nextDay: await recompute('a day later', new Date(AS_OF.getTime() + 86_400_000)),
      };
      await recompute('back to the as-of day', AS_OF);
      await sql.query(`ANALYZE an_rfm_scores; ANALYZE an_rfm_runs`);
      const segments = await sql.query(
        `SELECT segment, count(*)::int AS members FROM an_rfm_scores GROUP BY segment ORDER BY members DESC`,
      );
      console.log(
        `segments: ${segments.map((s: { segment: string; members: number }) => `${s.segment} ${s.members}`).join(', ')}`,
      );

      log('live scoring, batch by batch');
      const seq = { n: 0 };
      const live = {
        one: await liveRounds(sql, 'live, batches of 1 payment', 1, ROUNDS, seq),
        ten: await liveRounds(sql, 'live, batches of 10 payments', 10, ROUNDS, seq),
        hundred: await liveRounds(sql, 'live, batches of 100 payments', 100, Math.ceil(ROUNDS / 4), seq),
      };

      log('live scoring while a full recomputation runs');
      const during: number[] = [];
      const running = recomputeRfm(sql, new Date(AS_OF.getTime() + 60_000), settings);
      let finished = false;
      void running.finally(() => (finished = true));
      while (!finished) during.push((await liveBatch(sql, 10, seq)).total);
      await running;
      const duringRecompute = percentiles(during);
      console.log(
        `${'live, batches of 10 during a recomputation'.padEnd(44)} batch transaction p50 ${duringRecompute.p50} ms p99 ${duringRecompute.p99} ms max ${duringRecompute.max} ms (${duringRecompute.runs} batches)`,
      );

      log("the API's version read per request");
      const reads: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const started = process.hrtime.bigint();
        await readFactsVersion(sql);
        reads.push(ms(started));
      }
      const versionRead = percentiles(reads);
      console.log(
        `${'read models version read (per request)'.padEnd(44)} p50 ${versionRead.p50} ms p99 ${versionRead.p99} ms`,
      );

      console.log(
        JSON.stringify({ members: MEMBERS, orders, refunds, full, live, duringRecompute, versionRead }),
      );
    },
    { poolSize: 4 },
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
