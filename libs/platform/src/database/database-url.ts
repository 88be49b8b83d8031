import { Client } from 'pg';
import type { ServiceDescriptor } from '../config/service-descriptor';

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * <PREFIX>_DATABASE_URL names a service's database outright; otherwise DATABASE_URL names the server
 * and the service uses its own database on it (ecom_catalog, ecom_orders, ...). Services never share one.
 */
export function resolveDatabaseUrl(service: ServiceDescriptor, env: NodeJS.ProcessEnv = process.env): string {
  const own = env[`${service.envPrefix}_DATABASE_URL`];
  if (own) return own;
  const url = new URL(env.DATABASE_URL ?? DEFAULT_SERVER);
  url.pathname = `/${service.database}`;
  return url.toString();
}

/** Creates the database if it does not exist (first start on a fresh machine). */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const server = new URL(databaseUrl);
  server.pathname = '/postgres';
  const client = new Client({ connectionString: server.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client
        .query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)
        .catch((error: { code?: string }) => {
          if (error.code !== '42P04') throw error; // created meanwhile by another replica
        });
    }
  } finally {
    await client.end();
  }
}
