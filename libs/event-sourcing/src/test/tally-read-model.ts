import type { EventEnvelope } from '@ecom/contracts';
import type { DataSource } from 'typeorm';
import type { CommandSession } from '../command/command-session';

/** A read model for the library's own tests: the running total of each tally. */
export async function createTallyReadModel(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    `CREATE TABLE IF NOT EXISTS tally_totals (tally_id text PRIMARY KEY, total int NOT NULL, applied int NOT NULL)`,
  );
}

/** The test contract's one event type (see tally.fixture.ts). */
export type TallyIncreased = EventEnvelope<{ tallyId: string; by: number }, 'TallyIncreased'>;

/** A consumer handler of the tally read model. */
export async function applyTallyEvent(event: EventEnvelope, session: CommandSession): Promise<void> {
  const { data } = event as TallyIncreased;
  await session.sql.query(
    `INSERT INTO tally_totals (tally_id, total, applied) VALUES ($1, $2, 1)
     ON CONFLICT (tally_id) DO UPDATE SET total = tally_totals.total + $2, applied = tally_totals.applied + 1`,
    [data.tallyId, data.by],
  );
}

export async function readTallyTotals(
  dataSource: DataSource,
): Promise<Array<{ tally_id: string; total: number; applied: number }>> {
  return dataSource.query(`SELECT tally_id, total, applied FROM tally_totals ORDER BY tally_id`);
}
