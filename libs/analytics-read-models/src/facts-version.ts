import type { SqlExecutor } from '@ecom/event-sourcing';
import { FOLD_FUNNEL_SQL } from './funnel/funnel-aggregate';

const ADVANCE_SQL = `SELECT nextval('an_facts_version')`;

/**
 * The read models' version: a sequence the projector advances after each batch commits (and a
 * recomputation after each commit that changed rows). The API's cache keys carry it, so a cached
 * answer is never served once newer facts are committed. A sequence, not a row: advancing it takes
 * no lock, so concurrent batches never queue behind each other for it, and it never goes back (a
 * rebuild keeps counting), so an old key cannot come back to life.
 */
export async function bumpFactsVersion(sql: SqlExecutor): Promise<void> {
  await sql.query(ADVANCE_SQL);
}

/**
 * What the projector does after a batch commits, in one round trip: advance the version and, when
 * the batch marked the funnel's pre-aggregation pending, fold it (see foldFunnel). The advance goes
 * first: it is not transactional, so it holds even if the fold fails or waits for another fold's
 * lock, and the funnel's answers are exact whether the fold ran yet or not.
 */
export async function afterFactsCommitted(sql: SqlExecutor, options: { foldFunnel: boolean }): Promise<void> {
  await sql.query(options.foldFunnel ? `${ADVANCE_SQL};\n${FOLD_FUNNEL_SQL}` : ADVANCE_SQL);
}

/** The current version ('0' before the first advance). */
export async function readFactsVersion(sql: SqlExecutor): Promise<string> {
  const [row] = await sql.query(`SELECT last_value::text AS version, is_called FROM an_facts_version`);
  return row.is_called ? (row.version as string) : '0';
}
