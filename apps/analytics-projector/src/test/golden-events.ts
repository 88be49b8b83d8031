import type { EventEnvelope } from '@ecom/contracts';
import { cst, EventFactory } from './event-factory';

/**
 * The hand-written scenario of the golden test (expected figures are worked out in
 * golden.int-spec.ts). Times are Asia/Shanghai wall times; the analytics clock is fixed at
 * 2026-03-10 12:00 (+08:00). Days: D1 = 2026-03-01, D2 = 03-02, D3 = 03-03.
 *
 * Members and visitors: M1 shops as visitor v1, M2 as v6, M3 as v5; v2, v3, v4, v7 are anonymous.
 * M8 and M9 come from an imported order history (no visitor: they never reach the funnel).
 * SKUs: A 100.00 (cost 60.00), B 50.00 (cost 10.00), C 20.00 (cost 15.00, then 18.00),
 *       D 300.00 (no cost), E 10.00 (cost 9.00). A and B belong to P1, C, D, E to P2.
 */
export const GOLDEN_NOW = cst('2026-03-10 12:00');

/** Stock levels after each movement, as the inventory service reports them in its events. */
class StockBook {
  private readonly stock = new Map<string, Map<string, { onHand: number; reserved: number }>>();

  private level(sku: string, warehouse: string) {
    const bySku = this.stock.get(sku) ?? new Map();
    this.stock.set(sku, bySku);
    const level = bySku.get(warehouse) ?? { onHand: 0, reserved: 0 };
    bySku.set(warehouse, level);
    return level;
  }

  move(sku: string, warehouse: string, change: { onHand?: number; reserved?: number }) {
    const level = this.level(sku, warehouse);
    level.onHand += change.onHand ?? 0;
    level.reserved += change.reserved ?? 0;
  }

  report(sku: string, touched: string[]) {
    const bySku = this.stock.get(sku)!;
    const view = (l: { onHand: number; reserved: number }) => ({
      onHand: l.onHand,
      reserved: l.reserved,
      available: l.onHand - l.reserved,
    });
    const totals = [...bySku.values()].reduce(
      (t, l) => ({ onHand: t.onHand + l.onHand, reserved: t.reserved + l.reserved }),
      { onHand: 0, reserved: 0 },
    );
    return { levels: touched.map((w) => ({ warehouse: w, ...view(bySku.get(w)!) })), totals: view(totals) };
  }
}

export function goldenEvents(): EventEnvelope[] {
  const f = new EventFactory();
  const book = new StockBook();
  const CNY = 'CNY';

  // ---------------------------------------------------------------- catalog
  f.make(
    'ProductCreated',
    { productId: 'P1', title: 'Red Dress', description: null, categoryId: 'cat-1', attributes: {} },
    cst('2026-02-01 09:00'),
  );
  f.make(
    'SkuAdded',
    { productId: 'P1', sku: 'A', price: 10000, cost: 6000, currency: CNY, attributes: {} },
    cst('2026-02-01 09:00'),
  );
  f.make(
    'SkuAdded',
    { productId: 'P1', sku: 'B', price: 5000, cost: 1000, currency: CNY, attributes: {} },
    cst('2026-02-01 09:00'),
  );
  f.make('ProductDetailsChanged', { productId: 'P1', title: 'Red Summer Dress' }, cst('2026-02-02 09:00'));
  f.make(
    'ProductCreated',
    { productId: 'P2', title: 'Basics', description: null, categoryId: 'cat-2', attributes: {} },
    cst('2026-02-01 10:00'),
  );
  f.make(
    'SkuAdded',
    { productId: 'P2', sku: 'C', price: 2000, cost: 1500, currency: CNY, attributes: {} },
    cst('2026-02-01 10:00'),
  );
  f.make(
    'SkuAdded',
    { productId: 'P2', sku: 'D', price: 30000, cost: null, currency: CNY, attributes: {} },
    cst('2026-02-01 10:00'),
  );
  f.make(
    'SkuAdded',
    { productId: 'P2', sku: 'E', price: 1000, cost: 900, currency: CNY, attributes: {} },
    cst('2026-02-01 10:00'),
  );
  f.make('SkuCostChanged', { productId: 'P2', sku: 'C', cost: 1800, currency: CNY }, cst('2026-02-05 10:00'));
  f.make(
    'ProductPublished',
    { productId: 'P2', categoryId: 'cat-2', skus: ['C', 'D', 'E'] },
    cst('2026-02-05 11:00'),
  );

  // ---------------------------------------------------------------- members
  for (const m of ['M1', 'M2', 'M3', 'M4', 'M5', 'M6']) {
    f.make('MemberRegistered', { memberId: m, roles: ['customer'], tier: 'SILVER' }, cst('2025-01-01 09:00'));
  }
  f.make(
    'MemberTierChanged',
    { memberId: 'M4', tier: 'GOLD', previousTier: 'SILVER', netSpend12m: 500000 },
    cst('2026-01-29 13:00'),
  );

  // ---------------------------------------------------------------- orders before the reporting days (RFM only)
  const paidOnly = (orderId: string, memberId: string, day: string, amount: number) =>
    f.make(
      'OrderPaid',
      {
        orderId,
        memberId,
        visitorId: memberId,
        channel: null,
        amount,
        currency: CNY,
        method: 'alipay',
        paymentId: `pay-${orderId}`,
      },
      cst(`${day} 12:00`),
    );
  paidOnly('o3-old', 'M3', '2026-02-15', 7000);
  for (const [i, day] of ['2026-01-29', '2026-01-10', '2025-12-01', '2025-11-01'].entries())
    paidOnly(`o4-${i}`, 'M4', day, 20000);
  paidOnly('o4-400d', 'M4', '2025-02-03', 99999); // 400 days before 03-10: outside the 365-day window
  for (const [i, day] of ['2025-08-22', '2025-07-01', '2025-06-01', '2025-05-01', '2025-03-11'].entries())
    paidOnly(`o5-${i}`, 'M5', day, 9000);
  paidOnly('o5-365d', 'M5', '2025-03-10', 11111); // exactly 365 days before: outside the window
  paidOnly('o6-old', 'M6', '2025-11-30', 2000);

  // ---------------------------------------------------------------- imported order history
  // Members and past orders brought over from another platform. The import names members
  // importedMemberId(customerRef); readable ids here. An imported order's envelope time is placedAt.
  const imported = (
    orderId: string,
    memberId: string,
    channel: string | null,
    lines: [string, number, number][],
    placedWall: string,
    paidWall: string | null,
    refunds: [number, string][] = [],
  ) => {
    const orderLines = lines.map(([sku, quantity, unitPrice]) => ({
      sku,
      quantity,
      unitPrice,
      lineTotal: quantity * unitPrice,
    }));
    f.make(
      'OrderImported',
      {
        orderId,
        sourceOrderId: `SRC-${orderId}`,
        memberId,
        customerRef: `C-${memberId}`,
        channel,
        placedAt: cst(placedWall),
        paidAt: paidWall === null ? null : cst(paidWall),
        lines: orderLines,
        total: orderLines.reduce((sum, l) => sum + l.lineTotal, 0),
        currency: CNY,
        refunds: refunds.map(([amount, wall]) => ({ amount, refundedAt: cst(wall), reason: null })),
        status: paidWall === null ? 'CANCELLED' : 'COMPLETED',
      },
      cst(placedWall),
    );
  };
  for (const [memberId, wall] of [
    ['M8', '2026-02-20 09:00'],
    ['M9', '2026-03-05 09:00'],
  ]) {
    f.make(
      'MemberImported',
      { memberId, customerRef: `C-${memberId}`, roles: ['customer'], tier: 'SILVER' },
      cst(wall),
    );
  }
  // M8: placed 23:50 on 2025-09-30, paid 00:10 the next day; 2 x A paid on 2025-11-10 (120 days before
  // 03-10), 50.00 of it refunded on 11-15; one order never paid.
  imported('io8-b', 'M8', null, [['B', 1, 5000]], '2025-09-30 23:50', '2025-10-01 00:10');
  imported('io8-x', 'M8', 'web', [['C', 1, 2000]], '2025-10-20 10:00', null);
  imported('io8-a', 'M8', 'web', [['A', 2, 10000]], '2025-11-10 19:58', '2025-11-10 20:00', [
    [5000, '2025-11-15 10:00'],
  ]);
  // M9: an order of the reporting days from the old platform: 3 x E on D2, 10.00 refunded on 03-04.
  imported('io9-a', 'M9', 'app', [['E', 3, 1000]], '2026-03-02 14:55', '2026-03-02 15:00', [
    [1000, '2026-03-04 16:00'],
  ]);

  // ---------------------------------------------------------------- behaviour and orders, D1 .. D3
  const view = (
    type: 'PageViewed' | 'ProductViewed' | 'Searched',
    visitorId: string,
    wall: string,
    extra: Record<string, unknown>,
    lateByMs = 0,
  ) => {
    const at = cst(wall);
    const stored = new Date(Date.parse(at) + lateByMs).toISOString();
    return f.make(
      type,
      { visitorId, memberId: null, channel: null, ...extra, occurredAt: at } as never,
      stored,
    );
  };
  const cartAdd = (
    cartId: string,
    visitorId: string,
    memberId: string | null,
    channel: string | null,
    sku: string,
    quantity: number,
    unitPrice: number,
    wall: string,
  ) =>
    f.make(
      'CartItemAdded',
      { cartId, memberId, visitorId, channel, sku, quantity, unitPrice, currency: CNY },
      cst(wall),
    );
  const place = (
    orderId: string,
    memberId: string,
    visitorId: string,
    channel: string | null,
    lines: [string, number, number][],
    wall: string,
  ) => {
    const orderLines = lines.map(([sku, quantity, unitPrice]) => ({
      sku,
      quantity,
      unitPrice,
      lineTotal: quantity * unitPrice,
    }));
    const total = orderLines.reduce((s, l) => s + l.lineTotal, 0);
    f.make(
      'OrderPlaced',
      {
        orderId,
        memberId,
        visitorId,
        channel,
        cartId: null,
        lines: orderLines,
        total,
        currency: CNY,
        shippingRegion: 'Shanghai',
      },
      cst(wall),
    );
    return total;
  };
  const pay = (
    orderId: string,
    memberId: string,
    visitorId: string,
    channel: string | null,
    amount: number,
    wall: string,
  ) =>
    f.make(
      'OrderPaid',
      {
        orderId,
        memberId,
        visitorId,
        channel,
        amount,
        currency: CNY,
        method: 'wechat_pay',
        paymentId: `pay-${orderId}`,
      },
      cst(wall),
    );

  // D1: v1 (M1) goes all the way on web.
  f.make(
    'CartCreated',
    { cartId: 'cart-v1', memberId: 'M1', visitorId: 'v1', channel: 'web' },
    cst('2026-03-01 08:59'),
  );
  view('PageViewed', 'v1', '2026-03-01 09:00', { memberId: 'M1', channel: 'web' });
  view('ProductViewed', 'v1', '2026-03-01 09:05', { memberId: 'M1', channel: 'web', sku: 'A' });
  cartAdd('cart-v1', 'v1', 'M1', 'web', 'A', 1, 10000, '2026-03-01 09:10');
  const o1a = place(
    'o1a',
    'M1',
    'v1',
    'web',
    [
      ['A', 1, 10000],
      ['E', 10, 1000],
    ],
    '2026-03-01 09:15',
  );
  pay('o1a', 'M1', 'v1', 'web', o1a, '2026-03-01 09:20');
  // D1: v2 views a product on the app before any page view, then a page and the product again.
  view('ProductViewed', 'v2', '2026-03-01 10:00', { channel: 'app', sku: 'B' });
  view('PageViewed', 'v2', '2026-03-01 10:05', { channel: 'web' });
  view('ProductViewed', 'v2', '2026-03-01 10:10', { channel: 'web', sku: 'B' });
  // D1: v3 adds to the cart before viewing a product: the add does not count.
  view('PageViewed', 'v3', '2026-03-01 11:00', { channel: 'web' });
  cartAdd('cart-v3', 'v3', null, 'web', 'C', 1, 2000, '2026-03-01 11:05');
  view('ProductViewed', 'v3', '2026-03-01 11:10', { channel: 'web', sku: 'C' });
  // D1: v4 only searches.
  view('Searched', 'v4', '2026-03-01 12:00', { channel: 'mini_program', query: 'red dress' });
  // D1: v5 (M3): page and product without a channel, then cart and order on the app.
  view('PageViewed', 'v5', '2026-03-01 13:00', { memberId: 'M3' });
  view('ProductViewed', 'v5', '2026-03-01 13:01', { memberId: 'M3', sku: 'B' });
  cartAdd('cart-v5', 'v5', 'M3', 'app', 'B', 1, 5000, '2026-03-01 13:02');
  const o3a = place('o3a', 'M3', 'v5', 'app', [['B', 1, 5000]], '2026-03-01 13:03');
  pay('o3a', 'M3', 'v5', 'app', o3a, '2026-03-01 13:04');
  // D1: v6 (M2) places an order that is never paid.
  place('o6x', 'M2', 'v6', 'app', [['C', 1, 2000]], '2026-03-01 14:00');

  // D2: v6 (M2) orders on the app before browsing on the web; the browsing comes after the order.
  cartAdd('cart-v6', 'v6', 'M2', 'app', 'D', 1, 30000, '2026-03-02 09:50');
  const o2a = place('o2a', 'M2', 'v6', 'app', [['D', 1, 30000]], '2026-03-02 09:55');
  pay('o2a', 'M2', 'v6', 'app', o2a, '2026-03-02 10:00');
  view('PageViewed', 'v6', '2026-03-02 10:30', { memberId: 'M2', channel: 'web' });
  view('ProductViewed', 'v6', '2026-03-02 10:31', { memberId: 'M2', channel: 'web', sku: 'D' });
  // D2: v1 (M1) again, all the way.
  view('PageViewed', 'v1', '2026-03-02 20:00', { memberId: 'M1', channel: 'web' });
  view('ProductViewed', 'v1', '2026-03-02 20:01', { memberId: 'M1', channel: 'web', sku: 'B' });
  cartAdd('cart-v1', 'v1', 'M1', 'web', 'B', 2, 5000, '2026-03-02 20:02');
  const o1b = place('o1b', 'M1', 'v1', 'web', [['B', 2, 5000]], '2026-03-02 20:03');
  pay('o1b', 'M1', 'v1', 'web', o1b, '2026-03-02 20:04');
  // D2/D3: v7's page view one second before midnight and product view one second after, both
  // reported by the storefront an hour late (the envelope time is the next hour): the storefront's time wins.
  view('PageViewed', 'v7', '2026-03-02 23:59:59', { channel: 'web' }, 3_600_000);
  view('ProductViewed', 'v7', '2026-03-03 00:00:01', { channel: 'app', sku: 'E' }, 3_600_000);

  // D3: v1 (M1) all the way again.
  view('PageViewed', 'v1', '2026-03-03 08:00', { memberId: 'M1', channel: 'web' });
  view('ProductViewed', 'v1', '2026-03-03 08:01', { memberId: 'M1', channel: 'web', sku: 'E' });
  cartAdd('cart-v1', 'v1', 'M1', 'web', 'E', 5, 1000, '2026-03-03 08:02');
  const o1c = place('o1c', 'M1', 'v1', 'web', [['E', 5, 1000]], '2026-03-03 08:03');
  pay('o1c', 'M1', 'v1', 'web', o1c, '2026-03-03 08:04');
  // D3: v6 (M2) pays an order and cancels it: refunded in full.
  const o2b = place('o2b', 'M2', 'v6', 'app', [['C', 4, 2000]], '2026-03-03 10:00');
  pay('o2b', 'M2', 'v6', 'app', o2b, '2026-03-03 10:05');
  f.make(
    'OrderCancelled',
    {
      orderId: 'o2b',
      memberId: 'M2',
      reason: 'changed mind',
      cancelledBy: 'customer',
      previousStatus: 'PAID',
      lines: [{ sku: 'C', quantity: 4, unitPrice: 2000, lineTotal: 8000 }],
    },
    cst('2026-03-03 12:00'),
  );
  f.make(
    'RefundIssued',
    {
      orderId: 'o2b',
      memberId: 'M2',
      refundId: 'rf-o2b',
      returnId: null,
      amount: 8000,
      currency: CNY,
      cause: 'CANCELLATION',
    },
    cst('2026-03-03 12:00'),
  );

  // Returns: M3's return of o3a is rejected; M1 returns one B of o1b and is refunded.
  f.make(
    'ReturnRequested',
    {
      orderId: 'o3a',
      returnId: 'r2',
      memberId: 'M3',
      reason: 'QUALITY',
      lines: [{ sku: 'B', quantity: 1 }],
      amount: 5000,
      currency: CNY,
    },
    cst('2026-03-04 10:00'),
  );
  f.make(
    'ReturnRejected',
    { orderId: 'o3a', returnId: 'r2', memberId: 'M3', reason: 'worn' },
    cst('2026-03-05 09:00'),
  );
  f.make(
    'ReturnRequested',
    {
      orderId: 'o1b',
      returnId: 'r1',
      memberId: 'M1',
      reason: 'SIZE_MISMATCH',
      lines: [{ sku: 'B', quantity: 1 }],
      amount: 5000,
      currency: CNY,
    },
    cst('2026-03-05 10:00'),
  );
  f.make('ReturnApproved', { orderId: 'o1b', returnId: 'r1', memberId: 'M1' }, cst('2026-03-05 11:00'));
  f.make(
    'ReturnReceived',
    { orderId: 'o1b', returnId: 'r1', memberId: 'M1', lines: [{ sku: 'B', quantity: 1 }] },
    cst('2026-03-06 09:00'),
  );
  f.make(
    'RefundIssued',
    {
      orderId: 'o1b',
      memberId: 'M1',
      refundId: 'rf-r1',
      returnId: 'r1',
      amount: 5000,
      currency: CNY,
      cause: 'RETURN',
    },
    cst('2026-03-06 10:00'),
  );

  // ---------------------------------------------------------------- stock (one StockItem stream per SKU)
  const stock = (
    type:
      | 'StockReceived'
      | 'StockAdjusted'
      | 'StockTransferred'
      | 'StockAllocated'
      | 'StockDeallocated'
      | 'StockDeducted',
    sku: string,
    data: Record<string, unknown>,
    touched: string[],
    wall: string,
  ) => f.make(type, { sku, ...data, ...book.report(sku, touched) } as never, cst(wall));
  const policy = (sku: string, safetyStock: number, leadTimeDays: number | null, wall: string) =>
    f.make('StockPolicyChanged', { sku, safetyStock, leadTimeDays }, cst(wall));

  // A: policy before any stock; a batch expiring 03-25; 8 and 6 units shipped on D2 and D3.
  policy('A', 5, 7, '2026-03-01 08:00');
  book.move('A', 'WH1', { onHand: 20 });
  stock(
    'StockReceived',
    'A',
    { warehouse: 'WH1', quantity: 20, batch: 'A-1', expiresAt: cst('2026-03-25 00:00') },
    ['WH1'],
    '2026-03-01 08:30',
  );
  book.move('A', 'WH1', { reserved: 8 });
  stock(
    'StockAllocated',
    'A',
    { orderId: 'o1a', allocations: [{ warehouse: 'WH1', quantity: 8 }] },
    ['WH1'],
    '2026-03-02 10:00',
  );
  book.move('A', 'WH1', { onHand: -8, reserved: -8 });
  stock(
    'StockDeducted',
    'A',
    { orderId: 'o1a', allocations: [{ warehouse: 'WH1', quantity: 8, batch: 'A-1' }] },
    ['WH1'],
    '2026-03-02 11:00',
  );
  book.move('A', 'WH1', { reserved: 6 });
  stock(
    'StockAllocated',
    'A',
    { orderId: 'o1b', allocations: [{ warehouse: 'WH1', quantity: 6 }] },
    ['WH1'],
    '2026-03-03 10:00',
  );
  book.move('A', 'WH1', { onHand: -6, reserved: -6 });
  stock(
    'StockDeducted',
    'A',
    { orderId: 'o1b', allocations: [{ warehouse: 'WH1', quantity: 6, batch: 'A-1' }] },
    ['WH1'],
    '2026-03-03 11:00',
  );

  // B: safety stock 10; 30 + 5 received, the 5 moved WH2 -> WH1, 27 written off, 10 received on 03-04.
  policy('B', 10, null, '2026-03-01 07:00');
  book.move('B', 'WH1', { onHand: 30 });
  stock(
    'StockReceived',
    'B',
    { warehouse: 'WH1', quantity: 30, batch: null, expiresAt: null },
    ['WH1'],
    '2026-03-01 07:30',
  );
  book.move('B', 'WH2', { onHand: 5 });
  stock(
    'StockReceived',
    'B',
    { warehouse: 'WH2', quantity: 5, batch: null, expiresAt: null },
    ['WH2'],
    '2026-03-01 07:40',
  );
  book.move('B', 'WH2', { onHand: -5 });
  book.move('B', 'WH1', { onHand: 5 });
  stock('StockTransferred', 'B', { from: 'WH2', to: 'WH1', quantity: 5 }, ['WH2', 'WH1'], '2026-03-02 09:00');
  book.move('B', 'WH1', { onHand: -27 });
  stock(
    'StockAdjusted',
    'B',
    { warehouse: 'WH1', delta: -27, reason: 'water damage', batch: null },
    ['WH1'],
    '2026-03-02 12:00',
  );
  book.move('B', 'WH1', { onHand: 10 });
  stock(
    'StockReceived',
    'B',
    { warehouse: 'WH1', quantity: 10, batch: null, expiresAt: null },
    ['WH1'],
    '2026-03-04 09:00',
  );

  // C: 4 units in WH2 reserved for o2b and released when it is cancelled; 2 more on 03-04 expiring 04-05.
  book.move('C', 'WH2', { onHand: 4 });
  stock(
    'StockReceived',
    'C',
    { warehouse: 'WH2', quantity: 4, batch: 'C-1', expiresAt: cst('2026-06-01 00:00') },
    ['WH2'],
    '2026-03-01 06:00',
  );
  book.move('C', 'WH2', { reserved: 4 });
  stock(
    'StockAllocated',
    'C',
    { orderId: 'o2b', allocations: [{ warehouse: 'WH2', quantity: 4 }] },
    ['WH2'],
    '2026-03-03 10:00',
  );
  book.move('C', 'WH2', { reserved: -4 });
  stock(
    'StockDeallocated',
    'C',
    { orderId: 'o2b', reason: 'ORDER_CANCELLED', allocations: [{ warehouse: 'WH2', quantity: 4 }] },
    ['WH2'],
    '2026-03-03 12:00',
  );
  book.move('C', 'WH2', { onHand: 2 });
  stock(
    'StockReceived',
    'C',
    { warehouse: 'WH2', quantity: 2, batch: 'C-2', expiresAt: cst('2026-04-05 00:00') },
    ['WH2'],
    '2026-03-04 08:00',
  );

  // E: 100 received, 15 shipped the same morning.
  book.move('E', 'WH1', { onHand: 100 });
  stock(
    'StockReceived',
    'E',
    { warehouse: 'WH1', quantity: 100, batch: null, expiresAt: null },
    ['WH1'],
    '2026-03-01 06:00',
  );
  book.move('E', 'WH1', { reserved: 15 });
  stock(
    'StockAllocated',
    'E',
    { orderId: 'o1a', allocations: [{ warehouse: 'WH1', quantity: 15 }] },
    ['WH1'],
    '2026-03-01 09:30',
  );
  book.move('E', 'WH1', { onHand: -15, reserved: -15 });
  stock(
    'StockDeducted',
    'E',
    { orderId: 'o1a', allocations: [{ warehouse: 'WH1', quantity: 15, batch: null }] },
    ['WH1'],
    '2026-03-01 10:00',
  );

  return f.events;
}
