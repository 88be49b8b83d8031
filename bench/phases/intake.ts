/**
 * Phase 2: intake only. Shoppers only place orders (no waiting, no paying) for a fixed time; then the
 * time from the last accepted POST until every accepted order is CONFIRMED or REJECTED, watched
 * through the operator's order list and timed from the orders' status history.
 */
import { clientsFor, closeAll, OrderItem, placeOrder } from '../lib/api';
import { waitUntilDecided } from '../lib/decisions';
import { runClosedLoop } from '../lib/load';
import { info, phase } from '../lib/progress';
import { waitReady } from '../lib/stack';
import { BenchContext } from './context';

export async function intake(ctx: BenchContext): Promise<void> {
  const { profile, shop, results, control } = ctx;
  const { shoppers, durationMs, maxOps, drainTimeoutMs } = profile.intake;
  phase(`intake only: ${shoppers} shoppers placing orders for ${durationMs / 1000} s`);
  await waitReady();
  const clients = clientsFor(shoppers);
  const accepted = new Set<string>();
  let lastAcceptedAt = 0;
  const load = await runClosedLoop(
    { label: `intake x${shoppers}`, workers: shoppers, durationMs, maxOps, ok: (o) => o === 202 },
    async (worker, seq) => {
      const shopper = shop.customers[worker % shop.customers.length];
      const items: OrderItem[] = [{ sku: shop.skus[seq % shop.skus.length].code, quantity: 1 }];
      const answer = await placeOrder(clients.orders, shopper, items);
      if (answer.status === 202) {
        accepted.add(answer.body.id);
        lastAcceptedAt = Date.now();
      }
      return answer.status;
    },
  );
  await closeAll(clients);
  results.load('intake', load);

  const decided = accepted.size
    ? await waitUntilDecided(control.orders, shop.operator, accepted, {
        label: 'until decided',
        timeoutMs: drainTimeoutMs,
      })
    : undefined;
  const drainMs =
    decided && decided.pending === 0 ? Math.max(0, decided.lastDecidedAt - lastAcceptedAt) : null;
  results.detail('intake', {
    shoppers,
    load,
    accepted: accepted.size,
    decided: decided && { ...decided, confirmedIds: undefined },
    lastPostToAllDecidedMs: drainMs,
    lastPostToObservedMs: decided ? decided.observedAt - lastAcceptedAt : null,
  });
  for (const id of decided?.confirmedIds ?? []) ctx.unpaid.add(id);
  info(
    `accepted ${accepted.size} (${load.okPerSecond}/s); all decided ${drainMs ?? 'n/a'} ms after the last POST`,
  );

  const at64 = shoppers === 64;
  const label = (what: string) => `intake ${shoppers} shoppers: ${what}`;
  results.figure({
    id: 'intake.acceptedPerSecond',
    label: label('accepted orders/s'),
    value: load.okPerSecond,
    unit: 'orders/s',
    target: at64 ? { op: '>=', value: 1000 } : undefined,
  });
  results.figure({
    id: 'intake.postP99',
    label: label('POST p99'),
    value: load.latency.p99,
    unit: 'ms',
    target: at64 ? { op: '<=', value: 50 } : undefined,
  });
  results.figure({
    id: 'intake.allDecidedAfterLastPost',
    label: label('last POST -> all decided'),
    value: drainMs === null ? null : Math.round(drainMs) / 1000,
    unit: 's',
    target: at64 ? { op: '<=', value: 2 } : undefined,
  });
}
