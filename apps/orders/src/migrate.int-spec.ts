import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { join } from 'path';
import { EVENT_SOURCING_MIGRATIONS } from '@ecom/event-sourcing';
import { SERVICES } from '@ecom/platform';
import { startTestService, testInfrastructure, TestDatabase, TestService } from '@ecom/testing';
import { Client } from 'pg';
import { AppModule } from './app.module';
import { ORDERS_MIGRATIONS } from './database/migrations/1764100000000-create-orders-read-models';

const ROOT = join(__dirname, '..', '..', '..');

interface Run {
  code: number | null;
  lines: { level: number; msg: string; applied?: string[]; database?: string }[];
}

/** `node apps/orders/src/migrate.ts` as the migration Job runs the compiled migrate.js. */
function migrate(databaseUrl: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', '@swc-node/register', join('apps', 'orders', 'src', 'migrate.ts')],
      {
        cwd: ROOT,
        env: { ...process.env, ORDERS_DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' },
        timeout: 60_000,
      },
      (error, stdout) => {
        const lines = stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line));
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, lines });
      },
    );
  });
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * The migration Job's entry point (k8s/README.md: the Job runs, then the Deployments roll out with
 * MIGRATIONS_RUN=false): it makes the database, applies every migration once, and the app then
 * serves on that schema without migrating.
 */
describe('orders migrate entry point', () => {
  const server = testInfrastructure().databaseUrl;
  const name = `test_orders_migrate_${randomBytes(4).toString('hex')}`;
  const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  const database: TestDatabase = {
    name,
    url,
    drop: () => query(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined),
  };
  const expected = [...EVENT_SOURCING_MIGRATIONS, ...ORDERS_MIGRATIONS].map((m) => m.name);
  let service: TestService | undefined;

  afterAll(async () => {
    await service?.close();
    await database.drop();
  });

  it('creates the missing database, applies every migration in order and exits 0', async () => {
    expect(await query(server, `SELECT 1 FROM pg_database WHERE datname = '${name}'`)).toHaveLength(0);
    const run = await migrate(url);
    expect(run.code).toBe(0);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatchObject({
      level: 30,
      database: 'ecom_orders',
      applied: expected,
      msg: `applied ${expected.length} migration(s)`,
    });
    const recorded = await query<{ name: string }>(url, 'SELECT name FROM migrations ORDER BY id');
    expect(recorded.map((r) => r.name)).toEqual(expected);
  });

  it('a second run finds the schema current and applies nothing', async () => {
    const run = await migrate(url);
    expect(run.code).toBe(0);
    expect(run.lines[0]).toMatchObject({ applied: [], msg: 'schema already current' });
    expect(await query(url, 'SELECT name FROM migrations')).toHaveLength(expected.length);
  });

  it('the app with MIGRATIONS_RUN=false serves on the migrated schema', async () => {
    service = await startTestService(AppModule, SERVICES.orders, {
      database,
      env: { MIGRATIONS_RUN: 'false' },
    });
    expect((await service.http('/health/ready')).status).toBe(200);
    const cart = await service.http('/v1/carts', { body: { visitorId: 'migrate-spec' } });
    expect(cart.status).toBe(201);
    expect((await service.http(`/v1/carts/${cart.body.id}`)).body.id).toBe(cart.body.id);
    // nothing was migrated by the app itself
    expect(await query(url, 'SELECT name FROM migrations')).toHaveLength(expected.length);
  });

  it('exits 1 with an error line when the database cannot be reached', async () => {
    const run = await migrate('postgres://postgres@127.0.0.1:1/ecom_orders');
    expect(run.code).toBe(1);
    expect(run.lines.at(-1)).toMatchObject({ level: 50, msg: expect.stringContaining('migrations failed') });
  });
});
