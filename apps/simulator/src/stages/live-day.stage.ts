import { ProgressBar } from '@ecom/platform/cli';
import type { Account } from '../api/account';
import { EXPERIMENT_KEY, experimentsOf, type Variant } from '../domain/experiment';
import { concurrencyFor, FlashShopper, SessionPlan } from '../domain/live-day-plan';
import { PEAK_HOUR } from '../domain/traffic';
import { inParallel, RunContext } from './run-context';
import {
  addToCart,
  awaitDecision,
  cancel,
  checkOut,
  createCart,
  FulfilmentTask,
  pay,
  PlacedOrder,
} from './shopper-actions';

/** Payment attempts of a flash-sale winner before the order is given up (and its units go back). */
const FLASH_PAYMENT_ATTEMPTS = 5;

/**
 * Stage 5: the live day through the public APIs, hour by hour (the day is compressed: hours run
 * back to back, every request happens now). Each hour runs its sessions with as many at once as
 * its traffic calls for; the peak hour runs three times the average, and the flash sale opens at
 * its start. Answers the paid orders the back office fulfils next.
 */
export async function runLiveDay(ctx: RunContext): Promise<FulfilmentTask[]> {
  const { liveDay } = ctx.plan;
  const fulfilment: FulfilmentTask[] = [];
  const firstWave = liveDay.flashSale.waves[0].length;
  const bar = new ProgressBar(liveDay.sessions.length + firstWave, { label: 'live day  ', unit: 'sessions' });
  let peak = '';
  for (let hour = 0; hour < 24; hour++) {
    const sessions = liveDay.sessions.filter((s) => s.hour === hour);
    const concurrency = concurrencyFor(hour, ctx.options.concurrency);
    const work: Promise<void>[] = [
      inParallel(sessions, concurrency, async (session) => {
        await runSession(ctx, session, fulfilment);
        bar.advance();
      }),
    ];
    if (hour === liveDay.flashSale.hour) work.push(runFlashSale(ctx, fulfilment, () => bar.advance()));
    await Promise.all(work);
    if (hour === PEAK_HOUR)
      peak = `peak hour ${hour}:00: ${sessions.length} sessions, ${concurrency} at once`;
  }
  const ms = bar.finish();
  const { live, flash } = ctx.books;
  ctx.log(
    `live day: ${live.sessions} sessions (${live.pageViews} page views, ${live.productViews} product views, ` +
      `${live.searches} searches), ${live.carts} carts; orders ${live.ordersPlacedRest} REST + ${live.ordersPlacedGrpc} gRPC: ` +
      `${live.confirmed} confirmed, ${live.rejected} rejected, ${live.paid} paid, ${live.paymentsDeclined} payments declined, ` +
      `${live.cancelledUnpaid} cancelled unpaid, ${live.cancelledPaid} cancelled after paying; ${peak} ` +
      `(${(ms / 1000).toFixed(1)} s)`,
  );
  ctx.log(
    `flash sale: ${flash.sku} with ${flash.unitsReceived} units, ${flash.waves} wave(s), ${flash.orders} orders ` +
      `(${flash.ordersGrpc} over gRPC): ` +
      `${flash.confirmedOrders} confirmed (${flash.confirmedUnits} units), ${flash.rejectedOrders} rejected, ` +
      `${flash.paidOrders} paid (${flash.paidUnits} units), ${flash.paymentsDeclined} payments declined`,
  );
  ctx.log(
    `A/B ${EXPERIMENT_KEY}: ` +
      ctx.books
        .experiment()
        .map((v) => `${v.variant} ${v.visitors} visitors, ${v.convertedVisitors} converted`)
        .join('; '),
  );
  return fulfilment;
}

/**
 * Page view, searches and product views as one tracking batch (a storefront sends them as they
 * happen), each event carrying the visitor's A/B test assignment, which exposes the visitor.
 */
async function track(
  ctx: RunContext,
  visitor: { visitorId: string; variant: Variant },
  channel: string,
  events: object[],
  account: Account | null,
) {
  const { visitorId } = visitor;
  const memberId = account ? await account.memberId() : undefined;
  const token = account ? await account.bearer() : undefined;
  const experiments = experimentsOf(visitor.variant);
  await ctx.api.analytics.post(
    '/v1/track/batch',
    {
      events: events.map((e) => ({
        ...e,
        visitorId,
        channel,
        experiments,
        ...(memberId ? { memberId } : {}),
      })),
    },
    { token, gate: ctx.trackingGate, expect: [202] },
  );
  ctx.books.expose(visitorId, visitor.variant);
}

async function runSession(
  ctx: RunContext,
  session: SessionPlan,
  fulfilment: FulfilmentTask[],
): Promise<void> {
  const { books } = ctx;
  const { live } = books;
  const account = session.member === null ? null : ctx.shoppers[session.member];
  live.sessions++;
  await track(
    ctx,
    session,
    session.channel,
    [
      { type: 'page_view' },
      ...session.searches.map((query) => ({ type: 'search', query })),
      ...session.views.map((sku) => ({ type: 'product_view', sku })),
    ],
    account,
  );
  live.pageViews++;
  live.searches += session.searches.length;
  live.productViews += session.views.length;
  books.reach(session.visitorId, 'visit');
  if (session.views.length > 0) books.reach(session.visitorId, 'product_view');
  if (session.cart.length === 0) return;

  const cartId = await createCart(ctx, session.visitorId, session.channel, account);
  for (const line of session.cart) await addToCart(ctx, cartId, line, account);
  books.reach(session.visitorId, 'add_to_cart');
  if (!session.checkout || !account || session.member === null) return;

  const order = await checkOut(ctx, {
    cartId,
    visitorId: session.visitorId,
    channel: session.channel,
    checkout: session.checkout,
    account,
    member: ctx.plan.members[session.member],
    experiments: experimentsOf(session.variant),
  });
  live[session.checkout === 'grpc' ? 'ordersPlacedGrpc' : 'ordersPlacedRest']++;
  books.reach(session.visitorId, 'order_placed');
  const decision = await awaitDecision(ctx, order, account);
  if (decision === 'REJECTED') {
    live.rejected++;
    return;
  }
  live.confirmed++;
  const paid = session.payment ? await payWithRetry(ctx, order, account, session.payment) : false;
  if (!paid) {
    await cancel(ctx, order, account, session.payment ? 'payment_declined' : 'changed_mind', 'live');
    live.cancelledUnpaid++;
    return;
  }
  live.paid++;
  books.reach(session.visitorId, 'order_paid');
  books.convert(session.visitorId, session.variant);
  if (session.cancelAfterPaying) {
    await cancel(ctx, order, account, 'found_it_cheaper', 'live');
    live.cancelledPaid++;
    return;
  }
  fulfilment.push({ orderId: order.id, account, lines: session.cart, plan: session.fulfilment });
}

async function payWithRetry(
  ctx: RunContext,
  order: PlacedOrder,
  account: Account,
  payment: { method: string; retryMethod: string | null },
): Promise<boolean> {
  for (const method of payment.retryMethod ? [payment.method, payment.retryMethod] : [payment.method]) {
    if (await pay(ctx, order, account, method, 'live')) return true;
    ctx.books.live.paymentsDeclined++;
  }
  return false;
}

/**
 * The flash sale: a wave of shoppers, logged in beforehand, race for the hot SKU all at once (cart
 * and checkout, REST or gRPC); inventory confirms orders until the units run out and rejects the
 * rest. Winners pay (trying again after a decline); a winner who cannot pay cancels, which gives
 * the units back, so another wave comes while units are left.
 */
async function runFlashSale(
  ctx: RunContext,
  fulfilment: FulfilmentTask[],
  onShopper: () => void,
): Promise<void> {
  const { flashSale } = ctx.plan.liveDay;
  const { flash } = ctx.books;
  for (const wave of flashSale.waves) {
    if (flash.waves > 0 && (await flashUnitsLeft(ctx)) === 0) break;
    flash.waves++;
    const accounts = wave.map((shopper) => ctx.shoppers[shopper.member]);
    await Promise.all(accounts.map((account) => account.bearer()));
    await Promise.all(
      wave.map(async (shopper, i) => {
        await raceForFlashSku(ctx, shopper, accounts[i], fulfilment);
        if (flash.waves === 1) onShopper();
      }),
    );
  }
}

async function flashUnitsLeft(ctx: RunContext): Promise<number> {
  const stock = await ctx.api.inventory.get<{ available: number }>(
    `/v1/stock/${encodeURIComponent(ctx.plan.liveDay.flashSale.sku)}`,
    { token: await ctx.operator.bearer() },
  );
  return stock.body.available;
}

async function raceForFlashSku(
  ctx: RunContext,
  shopper: FlashShopper,
  account: Account,
  fulfilment: FulfilmentTask[],
): Promise<void> {
  const { books } = ctx;
  const { flash } = books;
  const sku = ctx.plan.liveDay.flashSale.sku;
  await track(ctx, shopper, shopper.channel, [{ type: 'page_view' }, { type: 'product_view', sku }], account);
  books.reach(shopper.visitorId, 'visit');
  books.reach(shopper.visitorId, 'product_view');
  const cartId = await createCart(ctx, shopper.visitorId, shopper.channel, account);
  const line = { sku, quantity: shopper.quantity };
  await addToCart(ctx, cartId, line, account);
  books.reach(shopper.visitorId, 'add_to_cart');
  const order = await checkOut(ctx, {
    cartId,
    visitorId: shopper.visitorId,
    channel: shopper.channel,
    checkout: shopper.checkout,
    account,
    member: ctx.plan.members[shopper.member],
    experiments: experimentsOf(shopper.variant),
  });
  flash.orders++;
  if (shopper.checkout === 'grpc') flash.ordersGrpc++;
  books.reach(shopper.visitorId, 'order_placed');
  if ((await awaitDecision(ctx, order, account)) === 'REJECTED') {
    flash.rejectedOrders++;
    return;
  }
  flash.confirmedOrders++;
  flash.confirmedUnits += shopper.quantity;
  for (let attempt = 0; attempt < FLASH_PAYMENT_ATTEMPTS; attempt++) {
    if (await pay(ctx, order, account, shopper.method, 'flash')) {
      flash.paidOrders++;
      flash.paidUnits += shopper.quantity;
      books.reach(shopper.visitorId, 'order_paid');
      books.convert(shopper.visitorId, shopper.variant);
      fulfilment.push({
        orderId: order.id,
        account,
        lines: [line],
        plan: { ship: true, deliver: true, confirmReceipt: false, return: null },
      });
      return;
    }
    flash.paymentsDeclined++;
  }
  await cancel(ctx, order, account, 'payment_declined', 'flash');
  flash.releasedUnits += shopper.quantity;
}
