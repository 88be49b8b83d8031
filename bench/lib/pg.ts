/**
 * PostgreSQL side of the measurements: commits of the stack's databases, and which database each
 * backend serves (so backends of other databases are not billed to the stack).
 */
import { Client } from 'pg';

export const SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export async function connect(database = 'postgres'): Promise<Client> {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString(), application_name: 'ecom-bench' });
  await client.connect();
  return client;
}

/**
 * Committed transactions of each ecom_* database. PostgreSQL 15 flushes a backend's counters at
 * most once a second while busy and up to 10 s after it goes idle, so callers read this only after
 * the stack has been quiet for that long (see the full-loop phase).
 */
export async function stackCommits(client: Client): Promise<Map<string, number>> {
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ datname: string; commits: string }>(
    `SELECT datname, xact_commit::bigint AS commits FROM pg_stat_database WHERE datname LIKE 'ecom\\_%'`,
  );
  return new Map(rows.map((r) => [r.datname, Number(r.commits)]));
}

/** Commits per stack database between two readings of stackCommits, and their sum. */
export function commitsBetween(
  before: Map<string, number>,
  after: Map<string, number>,
): { total: number; byDatabase: Record<string, number> } {
  const byDatabase: Record<string, number> = {};
  for (const [database, commits] of after) byDatabase[database] = commits - (before.get(database) ?? 0);
  return { total: Object.values(byDatabase).reduce((sum, n) => sum + n, 0), byDatabase };
}

export async function backendDatabases(client: Client): Promise<Map<number, string | null>> {
  const { rows } = await client.query<{ pid: number; datname: string | null }>(
    'SELECT pid, datname FROM pg_stat_activity',
  );
  return new Map(rows.map((r) => [r.pid, r.datname]));
}

/**
 * Orders placed in a window by members other than the given ones: traffic someone else sent to the
 * same stack during a measurement, which the per-order figures would wrongly be charged with. Reads
 * the orders read model directly (null if its shape changed or the database does not answer).
 */
export async function ordersByOthers(from: Date, to: Date, memberIds: string[]): Promise<number | null> {
  let client: Client | undefined;
  try {
    client = await connect('ecom_orders');
    const { rows } = await client.query<{ others: number }>(
      `SELECT count(*)::int AS others FROM orders_view
        WHERE placed_at >= $1 AND placed_at <= $2 AND NOT (member_id = ANY($3))`,
      [from, to, memberIds],
    );
    return rows[0].others;
  } catch {
    return null;
  } finally {
    await client?.end().catch(() => undefined);
  }
}
