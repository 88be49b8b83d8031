import type { SqlExecutor } from '@ecom/event-sourcing';
import { applyBasket, CopurchaseCounts, compareSku, emptyCounts, pairOfKey } from './copurchase.domain';

/**
 * Which of these orders count for co-purchase from the order facts (docs/analytics.md, "Co-purchase"):
 * paid (an_orders_paid, live or imported), with lines (an_order_lines: OrderPlaced or OrderImported
 * brought them) and not refunded in full (an_refunds of the order add up to less than the amount
 * paid; as RFM frequency decides it). Each counted order comes with its basket: distinct SKUs, sorted.
 */
const COUNTED_SQL = `
  SELECT p.order_id, l.skus
    FROM an_orders_paid p
    JOIN LATERAL (SELECT array_agg(DISTINCT sku COLLATE "C" ORDER BY sku COLLATE "C") AS skus
                    FROM an_order_lines WHERE order_id = p.order_id) l ON l.skus IS NOT NULL
    LEFT JOIN LATERAL (SELECT sum(amount) AS refunded FROM an_refunds WHERE order_id = p.order_id) r ON true
   WHERE p.order_id = ANY($1::text[]) AND (r.refunded IS NULL OR r.refunded < p.amount)`;

export interface CopurchaseSyncResult {
  /** Orders that started counting. */
  added: number;
  /** Orders that stopped counting (refunded in full since they were counted). */
  removed: number;
}

/**
 * Brings the co-purchase counts up to date with the facts of some orders, in the caller's
 * transaction (the projector calls it at the end of each batch with the orders whose facts the batch
 * brought). an_copurchase_orders holds each order counted now with the basket it was counted with:
 *  - an order that counts and is not there is inserted (ON CONFLICT DO NOTHING ... RETURNING), and
 *    only an insert that happened adds its basket;
 *  - an order there that no longer counts is deleted (DELETE ... RETURNING), and only a delete that
 *    happened takes its stored basket away.
 * So each order is counted at most once whatever is redelivered, and what is counted depends only on
 * the facts in the tables, not on the order they arrived in: OrderPaid before OrderPlaced counts when
 * the lines arrive; a full refund before the payment never counts.
 * The deltas of the whole call are summed first, then written with keys in one sorted order (totals,
 * SKUs, pairs), so concurrent batches of other partitions lock shared rows in the same order and do
 * not deadlock; rows that reach 0 are deleted, so the tables depend only on which orders count.
 */
export async function syncCopurchase(
  sql: SqlExecutor,
  orderIds: readonly string[],
): Promise<CopurchaseSyncResult> {
  const ids = [...new Set(orderIds)].sort(compareSku);
  if (ids.length === 0) return { added: 0, removed: 0 };
  const counted: { order_id: string; skus: string[] }[] = await sql.query(COUNTED_SQL, [ids]);
  const countedIds = counted.map((o) => o.order_id);
  const added: { order_id: string; skus: string[] }[] =
    counted.length === 0
      ? []
      : await sql.query(
          `INSERT INTO an_copurchase_orders (order_id, skus)
           SELECT o, ARRAY(SELECT jsonb_array_elements_text(j::jsonb))
             FROM unnest($1::text[], $2::text[]) AS u(o, j) ORDER BY o
           ON CONFLICT (order_id) DO NOTHING RETURNING order_id, skus`,
          // A text[][] cannot hold baskets of different sizes: each basket travels as one JSON array.
          [countedIds, counted.map((o) => JSON.stringify(o.skus))],
        );
  const removed: { order_id: string; skus: string[] }[] = await sql.query(
    // In a WITH, so the answer is the rows (a bare DELETE answers [rows, count] through TypeORM).
    `WITH gone AS (DELETE FROM an_copurchase_orders
                    WHERE order_id = ANY($1::text[]) AND NOT (order_id = ANY($2::text[])) RETURNING order_id, skus)
     SELECT order_id, skus FROM gone`,
    [ids, countedIds],
  );
  if (added.length === 0 && removed.length === 0) return { added: 0, removed: 0 };
  const delta: CopurchaseCounts = emptyCounts();
  for (const order of added) applyBasket(delta, order.skus, 1);
  for (const order of removed) applyBasket(delta, order.skus, -1);
  await writeTotals(sql, [
    ...added.map((o) => [o.order_id, 1] as const),
    ...removed.map((o) => [o.order_id, -1] as const),
  ]);
  await writeDelta(sql, delta);
  return { added: added.length, removed: removed.length };
}

/**
 * The number of counted orders lives in TOTAL_SHARDS rows, an order in the shard of a hash of its id
 * (a rebuild writes the same rows; the total is their sum): with one row, every batch with paid
 * orders waited for the commits of the other partitions' batches that had updated it.
 * Migration 1765850000000 distributed the existing counts with the same expression.
 */
const TOTAL_SHARDS = 16;

/** Adds each order's +1 or -1 to its shard, shards in order, and deletes the shards brought to 0. */
async function writeTotals(sql: SqlExecutor, changes: readonly (readonly [string, number])[]): Promise<void> {
  if (changes.length === 0) return;
  const shards: { id: number }[] = await sql.query(
    `WITH moved AS (
       INSERT INTO an_copurchase_totals (id, orders)
       SELECT hashtext(o) & ${TOTAL_SHARDS - 1}, sum(n) FROM unnest($1::text[], $2::int[]) AS d(o, n)
        GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 1
       ON CONFLICT (id) DO UPDATE SET orders = an_copurchase_totals.orders + excluded.orders
       RETURNING id, orders)
     SELECT id FROM moved WHERE orders = 0`,
    [changes.map(([order]) => order), changes.map(([, n]) => n)],
  );
  if (shards.length > 0)
    await sql.query(`DELETE FROM an_copurchase_totals WHERE id = ANY($1::int[]) AND orders = 0`, [
      shards.map((s) => s.id),
    ]);
}

/** Adds the per-SKU and per-pair deltas to the count tables and deletes the rows they bring to 0. */
async function writeDelta(sql: SqlExecutor, delta: CopurchaseCounts): Promise<void> {
  const skus = [...delta.skus.entries()].sort(([a], [b]) => compareSku(a, b));
  if (skus.length > 0) {
    const keys = skus.map(([sku]) => sku);
    await sql.query(
      `INSERT INTO an_copurchase_skus (sku, orders)
       SELECT * FROM unnest($1::text[], $2::int[]) AS d(sku, orders) ORDER BY sku COLLATE "C"
       ON CONFLICT (sku) DO UPDATE SET orders = an_copurchase_skus.orders + excluded.orders`,
      [keys, skus.map(([, n]) => n)],
    );
    await sql.query(`DELETE FROM an_copurchase_skus WHERE sku = ANY($1::text[]) AND orders = 0`, [keys]);
  }
  const pairs = [...delta.pairs.entries()].map(([key, n]) => ({ ...pairOfKey(key), n }));
  pairs.sort((a, b) => compareSku(a.skuA, b.skuA) || compareSku(a.skuB, b.skuB));
  if (pairs.length > 0) {
    const a = pairs.map((p) => p.skuA);
    const b = pairs.map((p) => p.skuB);
    await sql.query(
      `INSERT INTO an_copurchase_pairs (sku_a, sku_b, orders)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) AS d(sku_a, sku_b, orders)
        ORDER BY sku_a COLLATE "C", sku_b COLLATE "C"
       ON CONFLICT (sku_a, sku_b) DO UPDATE SET orders = an_copurchase_pairs.orders + excluded.orders`,
      [a, b, pairs.map((p) => p.n)],
    );
    await sql.query(
      `DELETE FROM an_copurchase_pairs p USING unnest($1::text[], $2::text[]) AS k(sku_a, sku_b)
        WHERE p.sku_a = k.sku_a AND p.sku_b = k.sku_b AND p.orders = 0`,
      [a, b],
    );
  }
}
