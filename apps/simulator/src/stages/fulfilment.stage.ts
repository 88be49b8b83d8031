import { ProgressBar } from '@ecom/platform/cli';
import { dayOf } from '@ecom/analytics-read-models/calendar';
import { inParallel, RunContext } from './run-context';
import type { FulfilmentTask } from './shopper-actions';

const CARRIERS = ['SF Express', 'JD Logistics', 'ZTO Express'];

/**
 * The end of the live day: the back office ships and delivers paid orders as planned; shoppers
 * confirm receipt of some and send some back with a reason; the back office approves, receives and
 * refunds most returns and rejects the others.
 */
export async function fulfilOrders(ctx: RunContext, tasks: readonly FulfilmentTask[]): Promise<void> {
  const { api, books } = ctx;
  const { live } = books;
  const bar = new ProgressBar(tasks.length, { label: 'fulfilment', unit: 'orders' });
  await inParallel(tasks, ctx.options.concurrency, async (task, i) => {
    const { plan, orderId } = task;
    const operator = async () => ({ token: await ctx.operator.bearer() });
    const shopper = async () => ({ token: await task.account.bearer() });
    if (plan.ship) {
      const carrier = CARRIERS[i % CARRIERS.length];
      await api.orders.post(
        `/v1/orders/${orderId}/shipments`,
        { carrier, trackingNo: `${ctx.options.prefix.toUpperCase()}${String(i + 1).padStart(8, '0')}` },
        await operator(),
      );
      live.shipped++;
    }
    if (plan.deliver) {
      await api.orders.post(`/v1/orders/${orderId}/deliver`, undefined, await operator());
      live.delivered++;
    }
    if (plan.confirmReceipt) {
      await api.orders.post(`/v1/orders/${orderId}/confirm-receipt`, undefined, await shopper());
      live.receiptsConfirmed++;
    }
    if (plan.return) {
      const { sku, quantity, reason, note, outcome } = plan.return;
      const requested = await api.orders.post<{ id: string }>(
        `/v1/orders/${orderId}/returns`,
        { items: [{ sku, quantity }], reason, ...(note ? { note } : {}) },
        await shopper(),
      );
      live.returnsRequested++;
      live.returnsByReason[reason] = (live.returnsByReason[reason] ?? 0) + 1;
      const returnId = requested.body.id;
      if (outcome === 'reject') {
        await api.orders.post(
          `/v1/returns/${returnId}/reject`,
          { reason: 'outside the return policy' },
          await operator(),
        );
        live.returnsRejected++;
      } else {
        await api.orders.post(`/v1/returns/${returnId}/approve`, undefined, await operator());
        await api.orders.post(`/v1/returns/${returnId}/receive`, undefined, await operator());
        const refunded = await api.orders.post<{ amount: number }>(
          `/v1/returns/${returnId}/refund`,
          undefined,
          await operator(),
        );
        live.returnsRefunded++;
        books.recordRefund({
          orderId,
          amount: refunded.body.amount,
          day: dayOf(Date.now(), ctx.options.timeZone),
          source: 'live',
        });
      }
    }
    bar.advance();
  });
  const ms = bar.finish();
  ctx.log(
    `fulfilment: ${live.shipped} shipped, ${live.delivered} delivered, ${live.receiptsConfirmed} receipts confirmed, ` +
      `${live.returnsRequested} returns (${live.returnsRefunded} refunded, ${live.returnsRejected} rejected) ` +
      `(${(ms / 1000).toFixed(1)} s)`,
  );
}
