/**
 * A synthetic order history for the import benchmark, written to a file as JSON lines in a stream
 * (never the whole file in memory): a year of orders of lines/4 customers, 1 to 4 items each, 80 %
 * paid, a tenth of the paid ones with a refund. Seeded, so a run can be repeated.
 */
import { createWriteStream } from 'fs';
import { once } from 'events';

/** mulberry32: a small seeded PRNG (0 <= x < 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SKUS = Array.from({ length: 500 }, (_, i) => ({
  sku: `HIST-${String(i).padStart(4, '0')}`,
  price: 990 + ((i * 7919) % 50_000),
}));
const CHANNELS = ['web', 'app', 'mini_program'];
const DAY_MS = 86_400_000;

/** Writes `lines` orders to `path`; `runId` keeps the source ids of two runs apart. */
export async function writeHistoryFile(
  path: string,
  lines: number,
  runId: string,
  onProgress: (written: number) => void = () => undefined,
): Promise<number> {
  const next = random(lines);
  const out = createWriteStream(path);
  const customers = Math.max(1, Math.floor(lines / 4));
  const now = Date.now();
  let bytes = 0;
  for (let i = 0; i < lines; i++) {
    const placed = now - DAY_MS - Math.floor(next() * 365 * DAY_MS);
    const count = 1 + Math.floor(next() * 4);
    const first = Math.floor(next() * (SKUS.length - count));
    const items = SKUS.slice(first, first + count).map((s) => ({
      sku: s.sku,
      quantity: 1 + Math.floor(next() * 3),
      price: s.price,
    }));
    const paid = next() < 0.8;
    const order: Record<string, unknown> = {
      sourceOrderId: `BENCH-${runId}-${i}`,
      customerRef: `bench-cust-${Math.floor(next() * customers)}`,
      placedAt: new Date(placed).toISOString(),
      channel: CHANNELS[i % CHANNELS.length],
      items,
    };
    if (paid) {
      order.paidAt = new Date(placed + 30_000 + Math.floor(next() * 600_000)).toISOString();
      if (next() < 0.1)
        order.refunds = [
          {
            amount: items[0].price,
            at: new Date(Math.min(now, placed + 3 * DAY_MS)).toISOString(),
            reason: 'returned',
          },
        ];
    }
    const text = `${JSON.stringify(order)}\n`;
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
    if (i % 10_000 === 0) onProgress(i);
  }
  onProgress(lines);
  out.end();
  await once(out, 'finish');
  return bytes;
}
