import type { SqlExecutor } from '@ecom/event-sourcing';
import { addDays, instantAt } from '../calendar';
import { BEHAVIOUR_STEPS } from '../sales/sales.queries';
import {
  addHours,
  EMPTY_HOUR,
  HourFigures,
  HourKey,
  REFUND_RATE_DAYS,
  SkuRefundUnits,
  weeksBefore,
} from './anomaly.domain';

/** The SQL expression of the wall-clock hour key ('YYYY-MM-DDTHH') of a timestamptz column. */
const hourOf = (column: string) =>
  `to_char(date_trunc('hour', ${column} AT TIME ZONE $3), 'YYYY-MM-DD"T"HH24')`;

/** The instant the wall clock of `timeZone` shows the start of `hour`. */
export function hourStart(hour: HourKey, timeZone: string): Date {
  return instantAt(hour.slice(0, 10), Number(hour.slice(11, 13)) * 60, timeZone);
}

/** The window of an hour as instants: from its start (inclusive) to the next hour's start (exclusive). */
export function hourWindow(hour: HourKey, timeZone: string): { from: string; to: string } {
  return {
    from: hourStart(hour, timeZone).toISOString(),
    to: hourStart(addHours(hour, 1), timeZone).toISOString(),
  };
}

/** The wall-clock hour of an instant in a time zone. */
export async function hourKeyOf(sql: SqlExecutor, instant: Date, timeZone: string): Promise<HourKey> {
  const [row] = await sql.query(
    `SELECT to_char(date_trunc('hour', $1::timestamptz AT TIME ZONE $2), 'YYYY-MM-DD"T"HH24') AS hour`,
    [instant, timeZone],
  );
  return row.hour;
}

/** The hour of the earliest fact the hourly metrics read (a payment, a declined payment, a visit); null without facts. */
export async function firstFactHour(sql: SqlExecutor, timeZone: string): Promise<HourKey | null> {
  const [row] = await sql.query(
    `SELECT to_char(date_trunc('hour', min(t) AT TIME ZONE $1), 'YYYY-MM-DD"T"HH24') AS hour FROM (
       SELECT min(paid_at) AS t FROM an_orders_paid
       UNION ALL SELECT min(failed_at) FROM an_payment_failures
       UNION ALL SELECT min(occurred_at) FROM an_visitor_events WHERE step = ANY($2::text[])) f`,
    [timeZone, BEHAVIOUR_STEPS],
  );
  return row?.hour ?? null;
}

/**
 * The hourly figures of the hours from `from` (inclusive) to `to` (exclusive) and of the same hours of
 * the previous `weeks` weeks, keyed by hour; hours without facts are absent. Read from the projected
 * facts: payments (an_orders_paid), declined payments (an_payment_failures) and storefront behaviour
 * (an_visitor_events, as the sales figures count UV and paying visitors).
 */
export async function loadHourFigures(
  sql: SqlExecutor,
  range: { from: HourKey; to: HourKey },
  options: { weeks: number; timeZone: string; currency: string },
): Promise<Map<HourKey, HourFigures>> {
  // One span when the range is a week or longer (the shifted copies overlap), else one per week.
  const spans: { from: HourKey; to: HourKey }[] =
    weeksBefore(range.to, 1) >= range.from
      ? [{ from: weeksBefore(range.from, options.weeks), to: range.to }]
      : Array.from({ length: options.weeks + 1 }, (_, w) => ({
          from: weeksBefore(range.from, w),
          to: weeksBefore(range.to, w),
        }));
  const figures = new Map<HourKey, HourFigures>();
  const at = (hour: HourKey) => {
    let f = figures.get(hour);
    if (!f) figures.set(hour, (f = { ...EMPTY_HOUR }));
    return f;
  };
  for (const span of spans) {
    const from = hourStart(span.from, options.timeZone);
    const to = hourStart(span.to, options.timeZone);
    // The local days that hold the span, so the visitor query can use its (day, step, ...) index.
    const days = [span.from.slice(0, 10), span.to.slice(0, 10)];
    const params = [from, to, options.timeZone];
    // One after another: in the caller's transaction they share one connection.
    const paid = await sql.query(
      `SELECT ${hourOf('paid_at')} AS hour, count(*)::int AS succeeded,
                count(*) FILTER (WHERE currency = $4)::int AS orders,
                coalesce(sum(amount) FILTER (WHERE currency = $4), 0)::bigint AS gmv
           FROM an_orders_paid WHERE paid_at >= $1 AND paid_at < $2 GROUP BY 1`,
      [...params, options.currency],
    );
    const visitors = await sql.query(
      `WITH browsed AS (SELECT DISTINCT ${hourOf('occurred_at')} AS hour, visitor_id FROM an_visitor_events
                           WHERE day BETWEEN $4::date AND $5::date AND step = ANY($6::text[])
                             AND occurred_at >= $1 AND occurred_at < $2),
              paid AS (SELECT DISTINCT ${hourOf('occurred_at')} AS hour, visitor_id FROM an_visitor_events
                        WHERE day BETWEEN $4::date AND $5::date AND step = 'order_paid'
                          AND occurred_at >= $1 AND occurred_at < $2)
         SELECT b.hour, count(*)::int AS visitors, count(p.visitor_id)::int AS payers
           FROM browsed b LEFT JOIN paid p USING (hour, visitor_id) GROUP BY b.hour`,
      [...params, ...days, BEHAVIOUR_STEPS],
    );
    const failed = await sql.query(
      `SELECT ${hourOf('failed_at')} AS hour, count(*)::int AS failed
           FROM an_payment_failures WHERE failed_at >= $1 AND failed_at < $2 GROUP BY 1`,
      params,
    );
    for (const r of paid as { hour: string; succeeded: number; orders: number; gmv: string }[]) {
      Object.assign(at(r.hour), { paymentsSucceeded: r.succeeded, paidOrders: r.orders, gmv: Number(r.gmv) });
    }
    for (const r of visitors as { hour: string; visitors: number; payers: number }[]) {
      Object.assign(at(r.hour), { visitors: r.visitors, payingVisitors: r.payers });
    }
    for (const r of failed as { hour: string; failed: number }[]) at(r.hour).paymentsFailed = r.failed;
  }
  return figures;
}

/** PaymentFailed events per 10-minute window (start as ISO) from `from` (inclusive) to `to` (exclusive). */
export async function loadBurstCounts(sql: SqlExecutor, from: Date, to: Date): Promise<Map<string, number>> {
  const rows: { window: Date; n: number }[] = await sql.query(
    `SELECT to_timestamp(floor(extract(epoch FROM failed_at) / 600) * 600) AS window, count(*)::int AS n
       FROM an_payment_failures WHERE failed_at >= $1 AND failed_at < $2 GROUP BY 1`,
    [from, to],
  );
  return new Map(rows.map((r) => [r.window.toISOString(), r.n]));
}

/** The earliest PaymentFailed instant; null without any. */
export async function firstFailureAt(sql: SqlExecutor): Promise<Date | null> {
  const [row] = await sql.query(`SELECT min(failed_at) AS at FROM an_payment_failures`);
  return row?.at ?? null;
}

/** The day of the earliest paid order; null without any. */
export async function firstPaidDay(sql: SqlExecutor): Promise<string | null> {
  const [row] = await sql.query(`SELECT min(day)::text AS day FROM an_orders_paid`);
  return row?.day ?? null;
}

/**
 * For each day from `from` to `to` (inclusive), per SKU: the units of the orders paid on the
 * REFUND_RATE_DAYS days ending with that day (their lines), and how many of those units were refunded
 * by refunds issued on or before that day: a return's refund refunds the return's lines, a
 * cancellation's refund every line of the order. Imported refunds carry no units and are left out.
 * One cohort: the refunds counted are those of the window's own paid orders. Read in two queries
 * (units per paid day, refunded units per paid day and refund day) and summed per window here, so a
 * catch-up over many days costs no query per day.
 */
export async function loadDailyRefundUnits(
  sql: SqlExecutor,
  from: string,
  to: string,
): Promise<Map<string, SkuRefundUnits[]>> {
  const spanFrom = addDays(from, -(REFUND_RATE_DAYS - 1));
  const paid: { day: string; sku: string; units: number }[] = await sql.query(
    `SELECT p.day::text AS day, l.sku, sum(l.quantity)::int AS units
       FROM an_orders_paid p JOIN an_order_lines l USING (order_id)
      WHERE p.day BETWEEN $1::date AND $2::date GROUP BY 1, 2`,
    [spanFrom, to],
  );
  const refunded: { paid_day: string; refund_day: string; sku: string; units: number }[] = await sql.query(
    `WITH paid AS (SELECT order_id, day FROM an_orders_paid WHERE day BETWEEN $1::date AND $2::date)
     SELECT p.day::text AS paid_day, r.day::text AS refund_day, rl.sku, sum(rl.quantity)::int AS units
       FROM an_refunds r JOIN paid p USING (order_id) JOIN an_return_lines rl ON rl.return_id = r.return_id
      WHERE r.cause = 'RETURN' AND r.day <= $2::date GROUP BY 1, 2, 3
     UNION ALL
     SELECT p.day::text, r.day::text, l.sku, sum(l.quantity)::int
       FROM an_refunds r JOIN paid p USING (order_id) JOIN an_order_lines l ON l.order_id = r.order_id
      WHERE r.cause = 'CANCELLATION' AND r.day <= $2::date GROUP BY 1, 2, 3`,
    [spanFrom, to],
  );
  const paidBy = new Map<string, typeof paid>();
  for (const r of paid) {
    if (!paidBy.has(r.day)) paidBy.set(r.day, []);
    paidBy.get(r.day)!.push(r);
  }
  const refundedBy = new Map<string, typeof refunded>();
  for (const r of refunded) {
    if (!refundedBy.has(r.paid_day)) refundedBy.set(r.paid_day, []);
    refundedBy.get(r.paid_day)!.push(r);
  }
  const byDay = new Map<string, SkuRefundUnits[]>();
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const units = new Map<string, SkuRefundUnits>();
    for (let d = addDays(day, -(REFUND_RATE_DAYS - 1)); d <= day; d = addDays(d, 1)) {
      for (const r of paidBy.get(d) ?? []) {
        const u = units.get(r.sku) ?? { sku: r.sku, paidUnits: 0, refundedUnits: 0 };
        u.paidUnits += r.units;
        units.set(r.sku, u);
      }
    }
    for (let d = addDays(day, -(REFUND_RATE_DAYS - 1)); d <= day; d = addDays(d, 1)) {
      for (const r of refundedBy.get(d) ?? []) {
        const u = units.get(r.sku);
        if (u && r.refund_day <= day) u.refundedUnits += r.units;
      }
    }
    byDay.set(day, [...units.values()]);
  }
  return byDay;
}

/**
 * The definition, for one window: per SKU, the units of the orders paid on the days `from`..`to` (their lines), and how many of those
 * units were refunded by refunds issued on or before `to`: a return's refund refunds the return's
 * lines, a cancellation's refund every line of the order. Imported refunds carry no units and are left
 * out. One cohort: the refunds counted are those of the window's own paid orders.
 */
export async function loadRefundUnits(sql: SqlExecutor, from: string, to: string): Promise<SkuRefundUnits[]> {
  const rows: { sku: string; paid: number; refunded: number }[] = await sql.query(
    `WITH paid AS (SELECT order_id FROM an_orders_paid WHERE day BETWEEN $1::date AND $2::date),
          units AS (SELECT l.sku, sum(l.quantity)::int AS paid FROM an_order_lines l JOIN paid USING (order_id)
                     GROUP BY l.sku),
          refunded AS (
            SELECT rl.sku, rl.quantity FROM an_refunds r JOIN paid USING (order_id)
              JOIN an_return_lines rl ON rl.return_id = r.return_id
             WHERE r.cause = 'RETURN' AND r.day <= $2::date
            UNION ALL
            SELECT l.sku, l.quantity FROM an_refunds r JOIN paid USING (order_id)
              JOIN an_order_lines l ON l.order_id = r.order_id
             WHERE r.cause = 'CANCELLATION' AND r.day <= $2::date)
     SELECT u.sku, u.paid, coalesce((SELECT sum(quantity) FROM refunded f WHERE f.sku = u.sku), 0)::int AS refunded
       FROM units u ORDER BY u.sku`,
    [from, to],
  );
  return rows.map((r) => ({ sku: r.sku, paidUnits: r.paid, refundedUnits: r.refunded }));
}
