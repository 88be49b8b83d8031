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
