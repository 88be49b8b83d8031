import { dayOf } from '@ecom/analytics-read-models';
import type { EnvelopeOf } from '@ecom/contracts';

/** an_refunds.cause of the refunds an imported order lists (live refunds are RETURN or CANCELLATION). */
export const IMPORTED_REFUND_CAUSE = 'IMPORTED';

export interface ImportedOrderFacts {
  placed: {
    orderId: string;
    memberId: string;
    channel: string | null;
    placedAt: string;
    day: string;
    total: number;
    currency: string;
  };
  lines: { sku: string; quantity: number; unitPrice: number; lineTotal: number }[];
  /** null for an order never paid: it counts as placed only. */
  paid: { paidAt: string; day: string; amount: number } | null;
  refunds: { refundId: string; amount: number; issuedAt: string; day: string }[];
}

/**
 * The order facts of an imported order, dated by the order's own history rather than by the event:
 * placed on its placedAt day, paid (the total) on its paidAt day, each refund on its refundedAt day,
 * days in the analytics time zone. It had no storefront visitor, so it yields no behaviour fact (the
 * funnel and UV never see it). Refunds of an order never paid are left out: nothing was paid to
 * give back. Refund ids are derived from the order id, so a replay writes the same rows.
 */
export function importedOrderFacts(event: EnvelopeOf<'OrderImported'>, timeZone: string): ImportedOrderFacts {
  const d = event.data;
  return {
    placed: {
      orderId: d.orderId,
      memberId: d.memberId,
      channel: d.channel,
      placedAt: d.placedAt,
      day: dayOf(d.placedAt, timeZone),
      total: d.total,
      currency: d.currency,
    },
    lines: d.lines.map(({ sku, quantity, unitPrice, lineTotal }) => ({
      sku,
      quantity,
      unitPrice,
      lineTotal,
    })),
    paid: d.paidAt === null ? null : { paidAt: d.paidAt, day: dayOf(d.paidAt, timeZone), amount: d.total },
    refunds:
      d.paidAt === null
        ? []
        : d.refunds.map((refund, i) => ({
            refundId: `${d.orderId}#refund-${i + 1}`,
            amount: refund.amount,
            issuedAt: refund.refundedAt,
            day: dayOf(refund.refundedAt, timeZone),
          })),
  };
}
