/**
 * After the measurements: cancels the orders this run placed and left CONFIRMED (intake, flash
 * sale), as the operator. Otherwise the payment-timeout sweep would cancel them all at once 15
 * minutes later, in the middle of whatever runs then (possibly the next bench). Bounded in time;
 * what is left is left to the sweep.
 */
import { clientsFor, closeAll } from '../lib/api';
import { info, phase, Ticker } from '../lib/progress';
import { inParallel } from '../lib/seed';
import { BenchContext } from './context';

export async function cleanup(ctx: BenchContext, timeoutMs = 90_000): Promise<void> {
  const ids = [...ctx.unpaid];
  if (ids.length === 0) return;
  phase(`cleanup: cancelling ${ids.length} unpaid orders of this run`);
  const clients = clientsFor(8, { waitWhenRefused: true });
  const deadline = Date.now() + timeoutMs;
  const outcomes: Record<string, number> = {};
  let done = 0;
  const ticker = new Ticker('cancelling', () => `${done}/${ids.length}`).start();
  try {
    await inParallel(ids.length, 8, async (i) => {
      if (Date.now() > deadline) return;
      const answer = await clients.orders
        .post(
          `/v1/orders/${ids[i]}/cancel`,
          { reason: 'bench-cleanup' },
          { token: await ctx.shop.operator.bearer() },
        )
        .catch(() => ({ status: 'error' }));
      done++;
      outcomes[answer.status] = (outcomes[answer.status] ?? 0) + 1;
    });
  } finally {
    ticker.stop();
    await closeAll(clients);
  }
  // 409 is an order that was not CONFIRMED (rejected ones): nothing to cancel.
  info(`cancel answers: ${JSON.stringify(outcomes)}`);
  ctx.results.detail('cleanup', { orders: ids.length, answers: outcomes });
}
