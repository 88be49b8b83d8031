import type { SqlExecutor } from '@ecom/event-sourcing';
import { funnelDayRows } from './funnel/funnel-aggregate';

/**
 * Every read-model table with its primary key, in a fixed order: what a rebuild empties, and what
 * tests compare (rebuilt equals live, one projector equals two, ...). an_projector_state is not
 * a read model (it names the live generation) and is not listed.
 */
export const READ_MODEL_TABLES: readonly {
  name: string;
  key: readonly string[];
  /** Columns that record when the projector worked rather than what the events say (not compared by digests). */
  bookkeeping?: readonly string[];
}[] = [
  { name: 'an_visitor_events', key: ['event_id'] },
  { name: 'an_orders_placed', key: ['order_id'] },
  { name: 'an_order_lines', key: ['order_id', 'line_no'] },
  { name: 'an_orders_paid', key: ['order_id'] },
  { name: 'an_refunds', key: ['refund_id'] },
  { name: 'an_returns', key: ['return_id'] },
  { name: 'an_return_lines', key: ['return_id', 'line_no'] },
  { name: 'an_skus', key: ['sku'] },
  { name: 'an_products', key: ['product_id'] },
  { name: 'an_members', key: ['member_id'] },
  { name: 'an_stock_items', key: ['sku'], bookkeeping: ['evaluated_at'] },
  { name: 'an_stock_levels', key: ['sku', 'warehouse'] },
  { name: 'an_stock_batches', key: ['sku', 'warehouse', 'batch'] },
  { name: 'an_stock_sales', key: ['event_id', 'warehouse'] },
  { name: 'an_stock_warnings', key: ['type', 'sku', 'warehouse_key'] },
  { name: 'an_rfm_scores', key: ['member_id'], bookkeeping: ['as_of'] },
  { name: 'an_rfm_runs', key: ['id'] },
  { name: 'an_funnel_pending', key: ['event_id'] },
  { name: 'an_funnel_visitor_days', key: ['day', 'visitor_id'] },
  { name: 'an_funnel_days', key: ['day', 'channel'] },
  { name: 'an_experiment_visitors', key: ['experiment', 'visitor_id'] },
  { name: 'an_experiment_orders', key: ['order_id', 'experiment'] },
  { name: 'an_copurchase_orders', key: ['order_id'] },
  { name: 'an_copurchase_totals', key: ['id'] },
  { name: 'an_copurchase_skus', key: ['sku'] },
  { name: 'an_copurchase_pairs', key: ['sku_a', 'sku_b'] },
  { name: 'an_payment_failures', key: ['event_id'] },
  { name: 'an_anomaly_alerts', key: ['id'] },
  // How far the hourly evaluation got depends on the clock when it ran, not on the events.
  { name: 'an_anomaly_evaluations', key: ['rule'], bookkeeping: ['next_hour'] },
];

/** Empties every read model (inside the caller's transaction). */
export async function truncateReadModels(sql: SqlExecutor): Promise<void> {
  await sql.query(`TRUNCATE ${READ_MODEL_TABLES.map((t) => t.name).join(', ')} RESTART IDENTITY`);
}

/**
 * Tables whose rows record when work ran rather than what the events say (left out of comparisons):
 * the RFM run log, and the funnel pre-aggregation, whose rows depend on whether the fold after a
 * batch's commit ran yet; the funnel is compared as the queries answer it (`funnel` below).
 */
const NOT_COMPARED = new Set([
  'an_rfm_runs',
  'an_funnel_pending',
  'an_funnel_visitor_days',
  'an_funnel_days',
]);

/** Every row of every read model, ordered by primary key, with timestamps as ISO strings: for equality checks. */
export async function snapshotReadModels(sql: SqlExecutor): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const table of READ_MODEL_TABLES) {
    if (NOT_COMPARED.has(table.name)) continue;
    const rows: Record<string, unknown>[] = await sql.query(
      `SELECT * FROM ${table.name} ORDER BY ${table.key.join(', ')}`,
    );
    snapshot[table.name] = rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])),
    );
  }
  snapshot.funnel = await funnelDayRows(sql, { from: '-infinity', to: 'infinity' });
  return snapshot;
}

/**
 * One md5 per compared read-model table, bookkeeping columns left out, computed inside PostgreSQL
 * (a read model of millions of rows is never pulled into memory): equal digests mean equal rows.
 */
export async function readModelDigests(
  sql: SqlExecutor,
): Promise<Record<string, { rows: number; md5: string }>> {
  const digests: Record<string, { rows: number; md5: string }> = {};
  for (const table of READ_MODEL_TABLES) {
    if (NOT_COMPARED.has(table.name)) continue;
    const [row] = await sql.query(
      `SELECT count(*)::int AS rows,
              coalesce(md5(string_agg((to_jsonb(t) - $1::text[])::text, E'\\n' ORDER BY ${table.key
                .map((k) => `t.${k}`)
                .join(', ')})), '') AS md5
         FROM ${table.name} t`,
      [table.bookkeeping ?? []],
    );
    digests[table.name] = { rows: row.rows, md5: row.md5 };
  }
  return digests;
}
