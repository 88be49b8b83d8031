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
 * Committed transactions of the ecom_* databases. PostgreSQL 15 flushes a backend's counters at
 * most once a second while busy and up to 10 s after it goes idle, so callers read this only after
 * the stack has been quiet for that long (see the full-loop phase).
 */
export async function stackCommits(client: Client): Promise<number> {
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ commits: string }>(
    `SELECT coalesce(sum(xact_commit), 0)::bigint AS commits FROM pg_stat_database WHERE datname LIKE 'ecom\\_%'`,
  );
  return Number(rows[0].commits);
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
