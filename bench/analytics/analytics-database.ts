import { ANALYTICS_MIGRATIONS } from '@ecom/analytics-read-models';
import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

/**
 * Runs `work` on a migrated analytics database of its own on the server DATABASE_URL names (the
 * query benchmarks fill it with generated facts), dropped afterwards unless BENCH_KEEP=1.
 */
export async function withAnalyticsDatabase<T>(
  label: string,
  work: (sql: DataSource) => Promise<T>,
  options: { poolSize?: number } = {},
): Promise<T> {
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const sql = new DataSource({
    type: 'postgres',
    url: url.toString(),
    migrations: ANALYTICS_MIGRATIONS,
    ...(options.poolSize ? { extra: { max: options.poolSize } } : {}),
  });
  try {
    await sql.initialize();
    await sql.runMigrations({ transaction: 'each' });
    return await work(sql);
  } finally {
    if (sql.isInitialized) await sql.destroy();
    if (process.env.BENCH_KEEP !== '1') await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}
