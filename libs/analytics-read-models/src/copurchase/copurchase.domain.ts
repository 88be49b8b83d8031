/**
 * Co-purchase associations ("bought together"), pure: which SKUs and SKU pairs a counted order
 * contributes, and the measures of a pair. docs/analytics.md, section "Co-purchase", defines them:
 *  - a counted order is paid (live or imported) and not refunded in full; its basket is the set of
 *    distinct SKUs of its lines (a SKU on two lines counts once);
 *  - support(A,B) = orders with both / counted orders;
 *  - confidence(A->B) = orders with both / orders with A;
 *  - lift(A,B) = confidence(A->B) / support(B) = orders with both x counted orders / (orders with A x
 *    orders with B), the same in both directions.
 */

/** A SKU pair in canonical order: skuA < skuB (by code point, as PostgreSQL's "C" collation sorts). */
export interface SkuPair {
  skuA: string;
  skuB: string;
}

/** Code-point comparison (not locale): the same order in TypeScript and in the database's text keys. */
export function compareSku(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The distinct SKUs of an order's lines, sorted. */
export function basketOf(skus: Iterable<string>): string[] {
  return [...new Set(skus)].sort(compareSku);
}

/**
 * Every unordered pair of distinct SKUs of a basket, each once, skuA < skuB: k SKUs give k(k-1)/2
 * pairs (45 for 10). Sorted by skuA then skuB.
 */
export function pairsOf(skus: Iterable<string>): SkuPair[] {
  const basket = basketOf(skus);
  const pairs: SkuPair[] = [];
  for (let i = 0; i < basket.length; i++) {
    for (let j = i + 1; j < basket.length; j++) pairs.push({ skuA: basket[i], skuB: basket[j] });
  }
  return pairs;
}

/** The key of a pair in maps: the two SKUs joined by a character no SKU has. */
export function pairKey(pair: SkuPair): string {
  return `${pair.skuA}\u0000${pair.skuB}`;
}

export function pairOfKey(key: string): SkuPair {
  const [skuA, skuB] = key.split('\u0000');
  return { skuA, skuB };
}

/** The counts the read model keeps: counted orders, orders per SKU, orders per pair (keyed by pairKey). */
export interface CopurchaseCounts {
  orders: number;
  skus: Map<string, number>;
  pairs: Map<string, number>;
}

export function emptyCounts(): CopurchaseCounts {
  return { orders: 0, skus: new Map(), pairs: new Map() };
}

/**
 * Adds (sign +1) or takes away (sign -1) one order's basket to counts, in place. Keys whose count
 * reaches 0 are removed, so counts built by any sequence of adds and removals that leaves the same
 * orders counted are equal (the read model deletes its zero rows likewise).
 */
export function applyBasket(
  counts: CopurchaseCounts,
  skus: Iterable<string>,
  sign: 1 | -1,
): CopurchaseCounts {
  const basket = basketOf(skus);
  const bump = (map: Map<string, number>, key: string) => {
    const next = (map.get(key) ?? 0) + sign;
    if (next === 0) map.delete(key);
    else map.set(key, next);
  };
  counts.orders += sign;
  for (const sku of basket) bump(counts.skus, sku);
  for (const pair of pairsOf(basket)) bump(counts.pairs, pairKey(pair));
  return counts;
}

/** The counts of a set of baskets (the counted orders), from scratch: what the incremental tables must hold. */
export function countBaskets(baskets: Iterable<Iterable<string>>): CopurchaseCounts {
  const counts = emptyCounts();
  for (const basket of baskets) applyBasket(counts, basket, 1);
  return counts;
}

/** The figures of a pair A,B seen from A. */
export interface CopurchaseMeasures {
  /** Orders with both A and B (the support count). */
  orders: number;
  /** orders / counted orders. */
  support: number;
  /** orders / orders with A. */
  confidence: number;
  /** confidence / support(B): above 1, A and B are bought together more often than by chance. */
  lift: number;
}

/**
 * The measures of A,B from the counts: `both` orders with both, `withA` and `withB` orders with each,
 * `total` counted orders. Each count is at least `both` and `total` at least each, so with both >= 1
 * nothing divides by 0; a pair with no order together has support, confidence and lift 0.
 */
export function copurchaseMeasures(
  both: number,
  withA: number,
  withB: number,
  total: number,
): CopurchaseMeasures {
  if (both === 0) return { orders: 0, support: 0, confidence: 0, lift: 0 };
  if (!(both <= withA && both <= withB && withA <= total && withB <= total)) {
    throw new Error(`inconsistent co-purchase counts: both ${both}, A ${withA}, B ${withB}, total ${total}`);
  }
  return {
    orders: both,
    support: both / total,
    confidence: both / withA,
    // Multiplied before dividing: one rounding, the same value whichever way round the pair is read.
    lift: (both * total) / (withA * withB),
  };
}

/** -1, 0 or 1 as a bigint difference is negative, zero or positive. */
const signOf = (d: bigint): number => (d < 0n ? -1 : d > 0n ? 1 : 0);

/**
 * The ranking of one SKU's partners: highest lift first; at equal lift, more orders together (the
 * higher confidence); then by SKU, so the order is total. For one SKU A, lift = both x N / (nA x
 * nPartner) with N and nA common, so lift compares both / nPartner, here on exact integer
 * cross-products (equal ratios tie exactly, however large the counts).
 */
export function comparePartners(
  a: { sku: string; orders: number; partnerOrders: number },
  b: { sku: string; orders: number; partnerOrders: number },
): number {
  const byLift = BigInt(b.orders) * BigInt(a.partnerOrders) - BigInt(a.orders) * BigInt(b.partnerOrders);
  return signOf(byLift) || b.orders - a.orders || compareSku(a.sku, b.sku);
}

/**
 * The ranking of pairs overall: highest lift first (both / (nA x nB), N being common, compared
 * exactly), then more orders together, then by skuA and skuB.
 */
export function comparePairs(
  a: SkuPair & { orders: number; ordersA: number; ordersB: number },
  b: SkuPair & { orders: number; ordersA: number; ordersB: number },
): number {
  const byLift =
    BigInt(b.orders) * BigInt(a.ordersA) * BigInt(a.ordersB) -
    BigInt(a.orders) * BigInt(b.ordersA) * BigInt(b.ordersB);
  return signOf(byLift) || b.orders - a.orders || compareSku(a.skuA, b.skuA) || compareSku(a.skuB, b.skuB);
}
