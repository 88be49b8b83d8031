import type { EventEnvelope } from '@ecom/contracts';
import { cst, EventFactory } from '../../test/event-factory';

/**
 * A hand-written stock scenario for the stock warnings (expected warnings are worked out in
 * stock-warning-scenario.int-spec.ts). Times are Asia/Shanghai wall times; the analytics clock is the
 * golden one, 2026-03-10 12:00. SKUs are S-*, products PS (listed), PU (listed, then not) and PT
 * (never listed), so the scenario can run beside the golden one.
 */
export const SCENARIO_LISTED_AT = '2026-03-01 09:00';

/** Levels after each movement, as inventory reports them in its events. */
class Levels {
  private readonly bySku = new Map<string, Map<string, { onHand: number; reserved: number }>>();

  move(sku: string, warehouse: string, change: { onHand?: number; reserved?: number }): void {
    const warehouses = this.bySku.get(sku) ?? new Map();
    this.bySku.set(sku, warehouses);
    const level = warehouses.get(warehouse) ?? { onHand: 0, reserved: 0 };
    warehouses.set(warehouse, {
      onHand: level.onHand + (change.onHand ?? 0),
      reserved: level.reserved + (change.reserved ?? 0),
    });
  }

  report(sku: string, touched: string[]) {
    const warehouses = this.bySku.get(sku)!;
    const view = (l: { onHand: number; reserved: number }) => ({ ...l, available: l.onHand - l.reserved });
    const totals = [...warehouses.values()].reduce(
      (t, l) => ({ onHand: t.onHand + l.onHand, reserved: t.reserved + l.reserved }),
      { onHand: 0, reserved: 0 },
    );
    return {
      levels: touched.map((w) => ({ warehouse: w, ...view(warehouses.get(w)!) })),
      totals: view(totals),
    };
  }
}

export function stockScenarioEvents(): EventEnvelope[] {
  const f = new EventFactory();
  const levels = new Levels();
  const sku = (productId: string, code: string, wall: string) =>
    f.make(
      'SkuAdded',
      { productId, sku: code, price: 1000, cost: 500, currency: 'CNY', attributes: {} },
      cst(wall),
    );
  const product = (productId: string, wall: string) =>
    f.make(
      'ProductCreated',
      { productId, title: productId, description: null, categoryId: 'cat-s', attributes: {} },
      cst(wall),
    );
  const receive = (
    code: string,
    warehouse: string,
    quantity: number,
    batch: string,
    expires: string,
    wall: string,
  ) => {
    levels.move(code, warehouse, { onHand: quantity });
    f.make(
      'StockReceived',
      { sku: code, warehouse, quantity, batch, expiresAt: cst(expires), ...levels.report(code, [warehouse]) },
      cst(wall),
    );
  };

  // ------------------------------------------------------------------ catalog
  // PT: the SKUs whose batches and sales are followed; never listed, so no catalog warning of theirs.
  product('PT', '2026-03-01 08:00');
  for (const code of ['S-MILK', 'S-OLD', 'S-MOVE', 'S-SOLD']) sku('PT', code, '2026-03-01 08:00');
  // PS: listed on 03-01 09:00; S-NEW added to it afterwards; S-DISC discontinued on 03-07 10:00.
  product('PS', '2026-03-01 08:00');
  for (const code of ['S-LIST', 'S-DISC', 'S-STOCKED', 'S-ARRIVES']) sku('PS', code, '2026-03-01 08:00');
  f.make(
    'ProductPublished',
    { productId: 'PS', categoryId: 'cat-s', skus: ['S-LIST', 'S-DISC', 'S-STOCKED', 'S-ARRIVES'] },
    cst(SCENARIO_LISTED_AT),
  );
  sku('PS', 'S-NEW', '2026-03-06 10:00');
  f.make('SkuDiscontinued', { productId: 'PS', sku: 'S-DISC' }, cst('2026-03-07 10:00'));
  // PU: listed on 03-01 09:00, unlisted on 03-08 10:00.
  product('PU', '2026-03-01 08:00');
  sku('PU', 'S-UNL', '2026-03-01 08:00');
  f.make(
    'ProductPublished',
    { productId: 'PU', categoryId: 'cat-s', skus: ['S-UNL'] },
    cst(SCENARIO_LISTED_AT),
  );
  f.make('ProductUnpublished', { productId: 'PU', skus: ['S-UNL'] }, cst('2026-03-08 10:00'));

  // ------------------------------------------------------------------ stock
  // S-MILK: 10 of M-SOON (expires 03-20) and 20 of M-LATER; a write-off of 10 naming no batch, which
  // inventory took from M-SOON (first-expiring first) and says so.
  receive('S-MILK', 'WH1', 10, 'M-SOON', '2026-03-20 00:00', '2026-03-02 09:00');
  receive('S-MILK', 'WH1', 20, 'M-LATER', '2026-09-01 00:00', '2026-03-02 09:30');
  levels.move('S-MILK', 'WH1', { onHand: -10 });
  f.make(
    'StockAdjusted',
    {
      sku: 'S-MILK',
      warehouse: 'WH1',
      delta: -10,
      reason: 'expired',
      batch: null,
      batches: [{ batch: 'M-SOON', quantity: 10 }],
      ...levels.report('S-MILK', ['WH1']),
    },
    cst('2026-03-03 10:00'),
  );

  // S-OLD: the same, written before events named their batches: the write-off names none.
  receive('S-OLD', 'WH1', 10, 'O-SOON', '2026-03-20 00:00', '2026-03-02 09:00');
  receive('S-OLD', 'WH1', 20, 'O-LATER', '2026-09-01 00:00', '2026-03-02 09:30');
  levels.move('S-OLD', 'WH1', { onHand: -10 });
  f.make(
    'StockAdjusted',
    {
      sku: 'S-OLD',
      warehouse: 'WH1',
      delta: -10,
      reason: 'expired',
      batch: null,
      ...levels.report('S-OLD', ['WH1']),
    },
    cst('2026-03-03 10:00'),
  );

  // S-MOVE: 5 of V-SOON (03-25) and 5 of V-LATE in WH1; 5 moved to WH2 as the event says: 3 of V-LATE
  // and 2 of V-SOON (not first-expiring first: the event, not a rule of the projector, decides).
  receive('S-MOVE', 'WH1', 5, 'V-SOON', '2026-03-25 00:00', '2026-03-02 09:00');
  receive('S-MOVE', 'WH1', 5, 'V-LATE', '2026-10-01 00:00', '2026-03-02 09:00');
  levels.move('S-MOVE', 'WH1', { onHand: -5 });
  levels.move('S-MOVE', 'WH2', { onHand: 5 });
  f.make(
    'StockTransferred',
    {
      sku: 'S-MOVE',
      from: 'WH1',
      to: 'WH2',
      quantity: 5,
      batches: [
        { batch: 'V-LATE', quantity: 3 },
        { batch: 'V-SOON', quantity: 2 },
      ],
      ...levels.report('S-MOVE', ['WH1', 'WH2']),
    },
    cst('2026-03-04 10:00'),
  );

  // S-SOLD: 10 received, all 10 reserved for an order not shipped yet.
  receive('S-SOLD', 'WH1', 10, 'D-1', '2026-12-01 00:00', '2026-03-02 09:00');
  levels.move('S-SOLD', 'WH1', { reserved: 10 });
  f.make(
    'StockAllocated',
    {
      sku: 'S-SOLD',
      orderId: 'o-sold',
      allocations: [{ warehouse: 'WH1', quantity: 10 }],
      ...levels.report('S-SOLD', ['WH1']),
    },
    cst('2026-03-05 10:00'),
  );

  // S-STOCKED: listed, then inventory's first event is a policy (nothing on hand).
  f.make(
    'StockPolicyChanged',
    { sku: 'S-STOCKED', safetyStock: 0, leadTimeDays: null },
    cst('2026-03-02 09:00'),
  );

  // S-ARRIVES: listed, then 10 received and 1 reserved (10% committed: not slow).
  receive('S-ARRIVES', 'WH1', 10, 'R-1', '2026-12-01 00:00', '2026-03-02 09:00');
  levels.move('S-ARRIVES', 'WH1', { reserved: 1 });
  f.make(
    'StockAllocated',
    {
      sku: 'S-ARRIVES',
      orderId: 'o-arrives',
      allocations: [{ warehouse: 'WH1', quantity: 1 }],
      ...levels.report('S-ARRIVES', ['WH1']),
    },
    cst('2026-03-02 10:00'),
  );
  return f.events;
}
