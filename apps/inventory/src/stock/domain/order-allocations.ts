/** Units of a SKU held in one warehouse for an order. */
export interface WarehouseAllocation {
  warehouse: string;
  quantity: number;
}

/**
 * The open allocations of a SKU, by order id: what each order holds until it is released or shipped.
 * During a flash sale a hot SKU holds many thousands of them, and the state is folded event by event,
 * so copying one flat record per event would make a batch quadratic. The orders are spread over
 * BUCKETS records by a hash of the id: an update copies the small outer record and one bucket.
 * Plain JSON, so the aggregate's snapshot is the state itself.
 */
export type OrderAllocations = Readonly<
  Record<string, Readonly<Record<string, readonly WarehouseAllocation[]>>>
>;

const BUCKETS = 64;

function bucketOf(orderId: string): string {
  // FNV-1a, 32 bit.
  let hash = 0x811c9dc5;
  for (let i = 0; i < orderId.length; i++) {
    hash ^= orderId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return String((hash >>> 0) % BUCKETS);
}

export const NO_ALLOCATIONS: OrderAllocations = {};

export function allocationsOf(
  all: OrderAllocations,
  orderId: string,
): readonly WarehouseAllocation[] | undefined {
  return all[bucketOf(orderId)]?.[orderId];
}

export function withAllocations(
  all: OrderAllocations,
  orderId: string,
  allocations: readonly WarehouseAllocation[],
): OrderAllocations {
  const key = bucketOf(orderId);
  return { ...all, [key]: { ...all[key], [orderId]: allocations } };
}

export function withoutAllocations(all: OrderAllocations, orderId: string): OrderAllocations {
  const key = bucketOf(orderId);
  const bucket = all[key];
  if (!bucket || !(orderId in bucket)) return all;
  const { [orderId]: _removed, ...rest } = bucket;
  const next = { ...all };
  if (Object.keys(rest).length === 0) delete next[key];
  else next[key] = rest;
  return next;
}

/** Every open allocation, for views and invariant checks. */
export function* eachAllocation(all: OrderAllocations): Generator<[string, readonly WarehouseAllocation[]]> {
  for (const bucket of Object.values(all)) yield* Object.entries(bucket);
}
