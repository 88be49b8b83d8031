import {
  AlertEvents,
  anomalyAggregateId,
  AnomalyMetric,
  AnomalyType,
  DomainEventOf,
  EventContext,
} from '@ecom/contracts';
import type { CommandSession, DomainEvent } from '@ecom/event-sourcing';

type Raised = DomainEventOf<'AnomalyRaised'>['data'];
type Cleared = DomainEventOf<'AnomalyCleared'>['data'];

interface AlertRow {
  id: string;
  type: AnomalyType;
  metric: AnomalyMetric;
  sku: string | null;
  direction: 'DROP' | 'SPIKE';
  expected: number;
  actual: number;
  deviation: number;
  window_from: Date;
  window_to: Date;
  open: boolean;
  cleared_expected: number | null;
  cleared_actual: number | null;
  cleared_deviation: number | null;
  cleared_window_from: Date | null;
  cleared_window_to: Date | null;
}

const raisedOf = (r: AlertRow): Raised => ({
  alertId: r.id,
  type: r.type,
  metric: r.metric,
  sku: r.sku,
  direction: r.direction,
  expected: r.expected,
  actual: r.actual,
  deviation: r.deviation,
  window: { from: r.window_from.toISOString(), to: r.window_to.toISOString() },
});

/** The clear of a published alert: the clearing hour's figures, or nulls when the read model no longer has it. */
const clearedOf = (published: Raised, row: AlertRow | undefined): Cleared => ({
  alertId: published.alertId,
  type: published.type,
  metric: published.metric,
  sku: published.sku,
  expected: row?.cleared_expected ?? null,
  actual: row?.cleared_actual ?? null,
  deviation: row?.cleared_deviation ?? null,
  window:
    row?.cleared_window_from && row.cleared_window_to
      ? { from: row.cleared_window_from.toISOString(), to: row.cleared_window_to.toISOString() }
      : null,
});

/**
 * The alerts side of the anomalies: AnomalyRaised/Cleared appended through the command session (the
 * outbox relay publishes them to analytics.alerts), one stream per rule, metric and SKU. What is
 * appended is the difference between what each stream last said and the open alerts of the read
 * model, so a catch-up over many hours, a rebuild, or a retried transaction publishes each change once
 * and nothing twice; an alert raised and cleared within one evaluation run stays in the read model only.
 */
export class AnomalyAlerts {
  async reconcile(
    session: CommandSession,
    context: EventContext,
  ): Promise<{ raised: number; cleared: number }> {
    const tx = session.sql;
    const last: { aggregate_id: string; type: string; data: Raised }[] = await tx.query(
      `SELECT DISTINCT ON (aggregate_id) aggregate_id, type, data FROM es_events
        WHERE aggregate_type = $1 ORDER BY aggregate_id, sequence DESC`,
      [AlertEvents.AnomalyRaised.aggregateType],
    );
    const publishedOpen = new Map(
      last.filter((e) => e.type === 'AnomalyRaised').map((e) => [e.aggregate_id, e.data]),
    );
    const rows: AlertRow[] = (
      await tx.query(`SELECT * FROM an_anomaly_alerts WHERE open OR id = ANY($1::text[])`, [
        [...publishedOpen.values()].map((p) => p.alertId),
      ])
    ).map((r: AlertRow) => ({
      ...r,
      expected: Number(r.expected),
      actual: Number(r.actual),
      deviation: Number(r.deviation),
    }));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const events = new Map<string, DomainEvent[]>();
    const add = (aggregateId: string, event: DomainEvent) =>
      events.set(aggregateId, [...(events.get(aggregateId) ?? []), event]);
    let raised = 0;
    let cleared = 0;
    // Clears first: a stream whose alert was replaced says "cleared" before it says "raised" again.
    for (const [aggregateId, published] of publishedOpen) {
      const row = byId.get(published.alertId);
      if (row?.open) continue;
      add(aggregateId, { type: 'AnomalyCleared', data: clearedOf(published, row) } satisfies DomainEvent);
      cleared++;
    }
    for (const row of rows.filter((r) => r.open)) {
      const aggregateId = anomalyAggregateId(row.type, row.metric, row.sku);
      if (publishedOpen.get(aggregateId)?.alertId === row.id) continue;
      add(aggregateId, { type: 'AnomalyRaised', data: raisedOf(row) } satisfies DomainEvent);
      raised++;
    }
    const streams = [...events].map(([aggregateId, list]) => ({
      aggregateType: AlertEvents.AnomalyRaised.aggregateType,
      aggregateId,
      expectedVersion: 'any' as const,
      events: list,
    }));
    if (streams.length > 0) await session.append(streams, context);
    return { raised, cleared };
  }
}
