import { dayOf } from '@ecom/analytics-read-models';
import type { EnvelopeOf, EventEnvelope } from '@ecom/contracts';
import { SqlExecutor, valuePlaceholders } from '@ecom/event-sourcing';

/**
 * Facts of the A/B test readouts (docs/analytics.md, "A/B test readouts"). Exposure: a behaviour event
 * that carries `experiments` puts its visitor in each experiment, in the variant of the visitor's
 * earliest such event; the row keeps the least (time, event id), so any delivery order and any
 * redelivery leave the same row. Outcome: an order keeps the assignment it was placed with
 * (insert-or-ignore per order and experiment). Neither write reads another fact first.
 */
export class ExperimentFacts {
  constructor(private readonly timeZone: string) {}

  /** A storefront behaviour event, at the time it happened (`at`: the storefront's, else the envelope's). */
  async exposure(
    tx: SqlExecutor,
    event: EventEnvelope & { data: { visitorId: string; experiments?: Record<string, string> } },
    at: string,
  ): Promise<void> {
    const entries = Object.entries(event.data.experiments ?? {});
    if (entries.length === 0) return;
    const day = dayOf(at, this.timeZone);
    await tx.query(
      `INSERT INTO an_experiment_visitors (experiment, visitor_id, variant, first_seen_at, first_event_id, day)
       VALUES ${valuePlaceholders(entries.length, 6)}
       ON CONFLICT (experiment, visitor_id) DO UPDATE SET
         variant = excluded.variant, first_seen_at = excluded.first_seen_at,
         first_event_id = excluded.first_event_id, day = excluded.day
       WHERE (excluded.first_seen_at, excluded.first_event_id)
           < (an_experiment_visitors.first_seen_at, an_experiment_visitors.first_event_id)`,
      entries.flatMap(([experiment, variant]) => [
        experiment,
        event.data.visitorId,
        variant,
        at,
        event.id,
        day,
      ]),
    );
  }

  /** The assignment an order was placed with. */
  async orderPlaced(tx: SqlExecutor, event: EnvelopeOf<'OrderPlaced'>): Promise<void> {
    const { orderId, visitorId, experiments } = event.data;
    const entries = Object.entries(experiments ?? {});
    if (entries.length === 0) return;
    await tx.query(
      `INSERT INTO an_experiment_orders (order_id, experiment, variant, visitor_id)
       VALUES ${valuePlaceholders(entries.length, 4)} ON CONFLICT DO NOTHING`,
      entries.flatMap(([experiment, variant]) => [orderId, experiment, variant, visitorId]),
    );
  }
}
