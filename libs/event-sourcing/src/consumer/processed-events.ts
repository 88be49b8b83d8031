import type { SqlExecutor } from '../sql-executor';

/** Which consumers: by exact name, and/or every name that starts with a prefix. */
export interface ConsumerSelection {
  names?: readonly string[];
  prefix?: string;
}

function where(selection: ConsumerSelection): { clause: string; params: unknown[] } {
  return {
    clause: `consumer = ANY($1::text[]) OR ($2::text IS NOT NULL AND starts_with(consumer, $2::text))`,
    params: [selection.names ?? [], selection.prefix ?? null],
  };
}

/**
 * Forgets what these consumers processed, so that a replay from the start of their topics applies
 * every event again: the first step of rebuilding their read models (in the same transaction that
 * empties them).
 */
export async function forgetProcessedEvents(sql: SqlExecutor, selection: ConsumerSelection): Promise<void> {
  const { clause, params } = where(selection);
  await sql.query(`DELETE FROM es_processed_events WHERE ${clause}`, params);
}

/**
 * How many events these consumers recorded as processed; null while the event-store tables do not
 * exist yet (a service still migrating). For progress reports and tests.
 */
export async function countProcessedEvents(
  sql: SqlExecutor,
  selection: ConsumerSelection,
): Promise<number | null> {
  const [{ exists }] = await sql.query(`SELECT to_regclass('es_processed_events') IS NOT NULL AS exists`);
  if (!exists) return null;
  const { clause, params } = where(selection);
  const [{ n }] = await sql.query(
    `SELECT count(*)::int AS n FROM es_processed_events WHERE ${clause}`,
    params,
  );
  return n;
}

/**
 * When these consumers processed each of the given events (the commit time of the batch that
 * applied it), for end-to-end latency measurements; events not processed yet are absent.
 */
export async function processedTimes(
  sql: SqlExecutor,
  selection: ConsumerSelection,
  eventIds: readonly string[],
): Promise<Map<string, Date>> {
  const { clause, params } = where(selection);
  const rows: { event_id: string; processed_at: Date }[] = await sql.query(
    `SELECT event_id, processed_at FROM es_processed_events
      WHERE (${clause}) AND event_id = ANY($3::uuid[])`,
    [...params, eventIds],
  );
  return new Map(rows.map((row) => [row.event_id, row.processed_at]));
}
