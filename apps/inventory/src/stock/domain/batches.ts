/**
 * Stock of one SKU in one warehouse is held in batches (lots). Units received without a batch code
 * form the "unbatched" entry (batch null). Entries are kept in FEFO order, the order in which stock
 * leaves a warehouse (shipments, transfers, write-offs without a named batch):
 *   1. batches with an expiry date, earliest expiry first;
 *   2. batches without an expiry date;
 *   3. unbatched stock;
 * ties broken by batch code. Every entry holds at least one unit.
 */
export interface BatchStock {
  batch: string | null;
  /** ISO-8601 (UTC, normalised by the decisions) or null. */
  expiresAt: string | null;
  quantity: number;
}

export function fefoCompare(a: Omit<BatchStock, 'quantity'>, b: Omit<BatchStock, 'quantity'>): number {
  if ((a.batch === null) !== (b.batch === null)) return a.batch === null ? 1 : -1;
  if (a.expiresAt !== b.expiresAt) {
    if (a.expiresAt === null) return 1;
    if (b.expiresAt === null) return -1;
    return a.expiresAt < b.expiresAt ? -1 : 1;
  }
  if (a.batch === b.batch) return 0;
  return (a.batch ?? '') < (b.batch ?? '') ? -1 : 1;
}

export function batchQuantity(batches: readonly BatchStock[], batch: string | null): number {
  return batches.find((b) => b.batch === batch)?.quantity ?? 0;
}

/** Adds units to a batch (keeping the entry's expiry if it exists) and returns the new list. */
export function addToBatch(
  batches: readonly BatchStock[],
  batch: string | null,
  expiresAt: string | null,
  quantity: number,
): BatchStock[] {
  const index = batches.findIndex((b) => b.batch === batch);
  if (index >= 0) {
    const next = [...batches];
    next[index] = { ...next[index], quantity: next[index].quantity + quantity };
    return next;
  }
  return [...batches, { batch, expiresAt: batch === null ? null : expiresAt, quantity }].sort(fefoCompare);
}

/** Removes units from one named batch (or the unbatched entry); the caller checked there are enough. */
export function takeFromBatch(
  batches: readonly BatchStock[],
  batch: string | null,
  quantity: number,
): BatchStock[] {
  const index = batches.findIndex((b) => b.batch === batch);
  if (index < 0 || batches[index].quantity < quantity) {
    throw new Error(`internal: batch ${batch ?? '(unbatched)'} holds fewer than ${quantity} units`);
  }
  const next = [...batches];
  const left = next[index].quantity - quantity;
  if (left === 0) next.splice(index, 1);
  else next[index] = { ...next[index], quantity: left };
  return next;
}

/** Removes units in FEFO order; returns the new list and the pieces taken (each batch at most once). */
export function takeFefo(
  batches: readonly BatchStock[],
  quantity: number,
): { batches: BatchStock[]; taken: BatchStock[] } {
  const taken: BatchStock[] = [];
  const next: BatchStock[] = [];
  let wanted = quantity;
  for (const entry of batches) {
    if (wanted === 0) {
      next.push(entry);
      continue;
    }
    const take = Math.min(wanted, entry.quantity);
    wanted -= take;
    taken.push({ batch: entry.batch, expiresAt: entry.expiresAt, quantity: take });
    if (entry.quantity > take) next.push({ ...entry, quantity: entry.quantity - take });
  }
  if (wanted > 0) throw new Error(`internal: batches hold ${quantity - wanted} units, ${quantity} wanted`);
  return { batches: next, taken };
}

/** Removes the named pieces (each from its batch); returns the new list and the pieces with their expiry. */
export function takeBatches(
  batches: readonly BatchStock[],
  pieces: readonly { batch: string | null; quantity: number }[],
): { batches: BatchStock[]; taken: BatchStock[] } {
  let next = [...batches];
  const taken: BatchStock[] = [];
  for (const piece of pieces) {
    const expiresAt = next.find((b) => b.batch === piece.batch)?.expiresAt ?? null;
    next = takeFromBatch(next, piece.batch, piece.quantity);
    taken.push({ batch: piece.batch, expiresAt, quantity: piece.quantity });
  }
  return { batches: next, taken };
}
