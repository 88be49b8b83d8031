import { Type } from '@sinclair/typebox';
import { Topics } from '../topics';
import { Id, Nullable, Quantity, Sku, Timestamp } from './common.schemas';
import { defineEvent, EventUnion } from './define-event';

const topic = Topics.inventory;

/** A warehouse is named by its code everywhere (it is also the Warehouse aggregate id). */
export const WarehouseCode = Type.String({ minLength: 1, maxLength: 64, description: 'warehouse code' });
export const BatchCode = Type.String({ minLength: 1, maxLength: 64, description: 'batch (lot) code' });
const Count = Type.Integer({ minimum: 0 });

/** Stock of one SKU in one warehouse after the change. available = onHand - reserved. */
export const StockLevel = Type.Object(
  { warehouse: WarehouseCode, onHand: Count, reserved: Count, available: Count },
  { additionalProperties: false, description: 'stock of the SKU in one warehouse after the change' },
);
/** Stock of one SKU over all warehouses after the change. */
export const StockTotals = Type.Object(
  { onHand: Count, reserved: Count, available: Count },
  { additionalProperties: false, description: 'stock of the SKU over all warehouses after the change' },
);
/** Units of one SKU held (or taken) in one warehouse for an order. */
export const Allocation = Type.Object(
  { warehouse: WarehouseCode, quantity: Quantity },
  { additionalProperties: false },
);
/** One line of an order's reservation: which SKU, from which warehouse, how many. */
export const ReservationLine = Type.Object(
  { sku: Sku, warehouse: WarehouseCode, quantity: Quantity },
  { additionalProperties: false },
);
/** A line that could not be reserved: what was asked for and what was available. */
export const ShortLine = Type.Object(
  { sku: Sku, requested: Quantity, available: Count },
  { additionalProperties: false },
);
/**
 * Units of one batch that moved (batch null: unbatched stock). Inventory decides which batches move
 * (a named batch, or first-expiring first) and says so, so that no reader re-implements that rule.
 */
export const BatchMovement = Type.Object(
  { batch: Nullable(BatchCode), quantity: Quantity },
  { additionalProperties: false, description: 'units of one batch that moved; batch null: unbatched stock' },
);
/**
 * Optional in version 1: events written before it existed do not carry it (see docs/contract.md,
 * "Changing an event"). Every event inventory writes now does.
 */
const movedBatches = (description: string) =>
  Type.Optional(Type.Array(BatchMovement, { minItems: 1, description }));
/** A shipped line: a reservation line and the batches its units left from. */
export const ShippedLine = Type.Object(
  {
    sku: Sku,
    warehouse: WarehouseCode,
    quantity: Quantity,
    batches: movedBatches('the batches the line left from, first-expiring first; they add up to quantity'),
  },
  { additionalProperties: false },
);
/** Why reserved stock went back to available. */
export const ReleaseReason = Type.Union([
  Type.Literal('ORDER_CANCELLED'),
  Type.Literal('PAYMENT_TIMEOUT'),
  Type.Literal('ORDER_REJECTED'),
  Type.Literal('OTHER'),
]);

const levels = Type.Array(StockLevel, {
  description: 'levels after the change of every warehouse the event touched',
});
const totals = StockTotals;

export const InventoryEvents = {
  WarehouseCreated: defineEvent({
    type: 'WarehouseCreated',
    version: 1,
    topic,
    aggregateType: 'Warehouse',
    description: 'A warehouse was created; it is known by its code from then on.',
    schema: Type.Object(
      {
        warehouseId: Id,
        code: WarehouseCode,
        name: Type.String({ minLength: 1, maxLength: 100 }),
        region: Nullable(Type.String({ minLength: 1, maxLength: 64 })),
      },
      { additionalProperties: false },
    ),
  }),
  StockReceived: defineEvent({
    type: 'StockReceived',
    version: 1,
    topic,
    aggregateType: 'StockItem',
    description: 'Goods were received into a warehouse (optionally as a batch with an expiry date).',
    schema: Type.Object(
      {
        sku: Sku,
        warehouse: WarehouseCode,
        quantity: Quantity,
        batch: Nullable(BatchCode),
        expiresAt: Nullable(Timestamp),
        levels,
        totals,
      },
      { additionalProperties: false },
    ),
  }),
  StockAdjusted: defineEvent({
    type: 'StockAdjusted',
    version: 1,
    topic,
    aggregateType: 'StockItem',
    description: 'On-hand stock was corrected up or down (count, damage, loss), with a reason.',
    schema: Type.Object(
      {
        sku: Sku,
        warehouse: WarehouseCode,
        delta: Type.Integer({ not: { const: 0 }, description: 'units added (+) or removed (-), never 0' }),
        reason: Type.String({ minLength: 1, maxLength: 200 }),
        batch: Nullable(BatchCode),
        batches: movedBatches(
          'the batches the units went to (+) or came from (-), adding up to |delta|: the named batch, ' +
            'or for a removal that names none, first-expiring first',
        ),
        levels,
        totals,
      },
      { additionalProperties: false },
    ),
  }),
  StockTransferred: defineEvent({
    type: 'StockTransferred',
    version: 1,
    topic,
    aggregateType: 'StockItem',
    description: 'On-hand stock of a SKU moved from one warehouse to another.',
    schema: Type.Object(
      {
        sku: Sku,
        from: WarehouseCode,
        to: WarehouseCode,
        quantity: Quantity,
        batches: movedBatches(
          'the batches that moved, first-expiring first, adding up to quantity; they keep their code and expiry',
        ),
        levels,
        totals,
      },
      { additionalProperties: false },
    ),
  }),
  StockPolicyChanged: defineEvent({
    type: 'StockPolicyChanged',
    version: 1,
    topic,
    aggregateType: 'StockItem',
    description: 'Safety stock and replenishment lead time of a SKU changed (feeds the stock warnings).',
    schema: Type.Object(
      { sku: Sku, safetyStock: Count, leadTimeDays: Nullable(Count) },
      { additionalProperties: false },
    ),
  }),
  StockAllocated: defineEvent({
    type: 'StockAllocated',
    version: 1,
    topic,
    aggregateType: 'StockItem',
    description: 'Units of a SKU were reserved for an order (the per-SKU side of StockReserved).',
    schema: Type.Object(
      {
        sku: Sku,
        orderId: Id,
        allocations: Type.Array(Allocation, { minItems: 1 }),
        levels,
        totals,
      },
      { additionalProperties: false },
    ),
  }),
  StockDeallocated: defineEvent({
    type: 'StockDeallocated',
    version: 1,
    topic,
    aggregateType: 'StockItem',
    description:
      'Units of a SKU reserved for an order went back to available (the per-SKU side of StockReleased).',
    schema: Type.Object(
      {
        sku: Sku,
        orderId: Id,
        reason: ReleaseReason,
        allocations: Type.Array(Allocation),
        levels,
        totals,
      },
      { additionalProperties: false },
    ),
  }),
  StockDeducted: defineEvent({
    type: 'StockDeducted',
    version: 1,
    topic,
    aggregateType: 'StockItem',
    description:
      'Reserved units of a SKU left on-hand because the order shipped, first-expiring batch first ' +
      '(the per-SKU side of StockShipped).',
    schema: Type.Object(
      {
        sku: Sku,
        orderId: Id,
        allocations: Type.Array(
          Type.Object(
            { warehouse: WarehouseCode, quantity: Quantity, batch: Nullable(BatchCode) },
            { additionalProperties: false },
          ),
        ),
        levels,
        totals,
      },
      { additionalProperties: false },
    ),
  }),
  StockRestocked: defineEvent({
    type: 'StockRestocked',
    version: 1,
    topic,
    aggregateType: 'StockItem',
    description: 'Returned units of a SKU were put back on-hand (the per-SKU side of StockReturned).',
    schema: Type.Object(
      {
        sku: Sku,
        orderId: Id,
        returnId: Id,
        warehouse: WarehouseCode,
        quantity: Quantity,
        levels,
        totals,
      },
      { additionalProperties: false },
    ),
  }),
  StockReserved: defineEvent({
    type: 'StockReserved',
    version: 1,
    topic,
    aggregateType: 'Reservation',
    description: 'Every line of an order was reserved; the order can be confirmed.',
    schema: Type.Object(
      { orderId: Id, lines: Type.Array(ReservationLine, { minItems: 1 }) },
      { additionalProperties: false },
    ),
  }),
  StockReservationRejected: defineEvent({
    type: 'StockReservationRejected',
    version: 1,
    topic,
    aggregateType: 'Reservation',
    description: 'An order could not be reserved in full; nothing was reserved. Lists the short lines.',
    schema: Type.Object(
      { orderId: Id, shortLines: Type.Array(ShortLine, { minItems: 1 }) },
      { additionalProperties: false },
    ),
  }),
  StockReleased: defineEvent({
    type: 'StockReleased',
    version: 1,
    topic,
    aggregateType: 'Reservation',
    description:
      "An order's reservation was released (cancelled, unpaid in time, ...); the units are available again.",
    schema: Type.Object(
      { orderId: Id, reason: ReleaseReason, lines: Type.Array(ReservationLine) },
      { additionalProperties: false },
    ),
  }),
  StockShipped: defineEvent({
    type: 'StockShipped',
    version: 1,
    topic,
    aggregateType: 'Reservation',
    description:
      "An order's reserved units left the warehouses with the shipment (each line says from which batches).",
    schema: Type.Object({ orderId: Id, lines: Type.Array(ShippedLine) }, { additionalProperties: false }),
  }),
  StockReturned: defineEvent({
    type: 'StockReturned',
    version: 1,
    topic,
    aggregateType: 'Reservation',
    description: 'Units of a received return were put back on-hand.',
    schema: Type.Object(
      { orderId: Id, returnId: Id, lines: Type.Array(ReservationLine) },
      { additionalProperties: false },
    ),
  }),
} as const;

export type InventoryEvent = EventUnion<typeof InventoryEvents>;
