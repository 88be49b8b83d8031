import type { EventEnvelope } from '@ecom/contracts';
import type { DataSource, EntityManager } from 'typeorm';

/** A read model for the library's own tests: the running total of each tally. */
export async function createTallyReadModel(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    `CREATE TABLE IF NOT EXISTS tally_totals (tally_id text PRIMARY KEY, total int NOT NULL, applied int NOT NULL)`,
  );
}

export async function applyTallyEvent(event: EventEnvelope, tx: EntityManager): Promise<void> {
  const data = event.data as { tallyId: string; by: number };
  await tx.query(
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
