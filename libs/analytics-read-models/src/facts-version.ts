import type { SqlExecutor } from '@ecom/event-sourcing';

/**
 * The read models' version: a sequence the projector advances after each batch commits (and a
 * recomputation after each commit that changed rows). The API's cache keys carry it, so a cached
 * answer is never served once newer facts are committed. A sequence, not a row: advancing it takes
 * no lock, so concurrent batches never queue behind each other for it, and it never goes back (a
 * rebuild keeps counting), so an old key cannot come back to life.
 */
export async function bumpFactsVersion(sql: SqlExecutor): Promise<void> {
  await sql.query(`SELECT nextval('an_facts_version')`);
}

/** The current version ('0' before the first advance). */
export async function readFactsVersion(sql: SqlExecutor): Promise<string> {
  const [row] = await sql.query(`SELECT last_value::text AS version, is_called FROM an_facts_version`);
  return row.is_called ? (row.version as string) : '0';
}
