import type { DataSource, Migration } from 'typeorm';

const MIGRATION_LOCK_KEY = 7_310_000;

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so replicas starting together (a
 * Kubernetes rollout) run them once; the others wait and then find nothing to do.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
