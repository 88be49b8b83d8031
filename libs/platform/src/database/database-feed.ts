import { Client } from 'pg';
import { ensureDatabaseExists } from './database-url';

/** What `ensureDatabaseFedBy` found: a database created now, one kept, or one recreated empty. */
export type DatabaseFeedOutcome = 'created' | 'kept' | 'recreated';

const LABEL = 'ecom:fed-by=';

/**
 * A development database whose content came from events of a Kafka cluster that is gone (its
 * storage formatted anew, a fresh clone with its own broker) no longer agrees with the topics: a
 * rebuild from them would lose what it holds, and its consumers' bookkeeping names offsets that
 * do not exist. This records the feed (cluster id and topic prefix) in the database's comment and,
 * when a database records another feed or none, drops and recreates it empty, so the stack starts
 * consistent with its topics. For setting up a machine, never for production databases.
 */
export async function ensureDatabaseFedBy(databaseUrl: string, feed: string): Promise<DatabaseFeedOutcome> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const server = new URL(databaseUrl);
  server.pathname = '/postgres';
  const client = new Client({ connectionString: server.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ comment: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [name],
    );
    const quoted = `"${name.replace(/"/g, '""')}"`;
    let outcome: DatabaseFeedOutcome = 'created';
    if (rows.length > 0) {
      if (rows[0].comment === LABEL + feed) return 'kept';
      await client.query(`DROP DATABASE ${quoted} WITH (FORCE)`);
      outcome = 'recreated';
    }
    await ensureDatabaseExists(databaseUrl);
    await client.query(`COMMENT ON DATABASE ${quoted} IS ${client.escapeLiteral(LABEL + feed)}`);
    return outcome;
  } finally {
    await client.end();
  }
}
