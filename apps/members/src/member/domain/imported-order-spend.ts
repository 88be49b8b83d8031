import type { DomainEventOf } from '@ecom/contracts';

export type ImportedOrder = DomainEventOf<'OrderImported'>['data'];

/** A payment or refund of an imported order, as the spend ledger records it. */
export interface ImportedSpendEntry {
  type: 'PAYMENT' | 'REFUND';
  /** Stable across redeliveries and re-imports: derived from the order id. */
  entryId: string;
  amount: number;
  occurredAt: string;
}

/**
 * What an imported order adds to its member's spend: the total paid at paidAt and each refund at
 * its date (the ledger counts a refund with the order it refunds, at the payment's date, so the
 * order adds total minus refunds to the 12-month window of its paidAt). An order never paid adds
 * nothing, whatever refunds the source platform lists for it.
 */
export function importedOrderSpend(order: ImportedOrder): ImportedSpendEntry[] {
  if (order.paidAt === null) return [];
  return [
    { type: 'PAYMENT', entryId: order.orderId, amount: order.total, occurredAt: order.paidAt },
    ...order.refunds.map((refund, i) => ({
      type: 'REFUND' as const,
      entryId: `${order.orderId}#refund-${i + 1}`,
      amount: refund.amount,
      occurredAt: refund.refundedAt,
    })),
  ];
}
