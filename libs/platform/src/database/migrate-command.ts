import { EVENT_SOURCING_MIGRATIONS } from '@ecom/event-sourcing';
import pino from 'pino';
import { DataSource, MixedList } from 'typeorm';
import type { ServiceDescriptor } from '../config/service-descriptor';
import { ensureDatabaseExists, resolveDatabaseUrl } from './database-url';
import { runMigrationsLocked } from './run-migrations';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Migrations = MixedList<Function | string>;

/**
 * The migration step of a deployment, without the app: creates the service's database if it is
 * missing and runs its pending migrations (the event-store tables and the service's own, the list
 * the app runs at start-up) under the same advisory lock. Returns the names it applied, oldest first.
 */
export async function migrateService(
  service: ServiceDescriptor,
  migrations: Migrations,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const url = resolveDatabaseUrl(service, env);
  await ensureDatabaseExists(url);
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    migrations: [...EVENT_SOURCING_MIGRATIONS, ...((migrations as []) ?? [])],
    synchronize: false,
    migrationsRun: false,
    // one connection holds the lock, one runs the migrations
    extra: { max: 2, connectionTimeoutMillis: 10_000 },
  });
  await dataSource.initialize();
  try {
    return (await runMigrationsLocked(dataSource)).map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * The compiled entry point `node dist/apps/<app>/src/migrate.js` (a Kubernetes Job before each
 * rollout, whose Deployments run with MIGRATIONS_RUN=false): one JSON log line, exit code 0 when
 * the schema is current, 1 on any failure.
 */
export function runMigrateCommand(service: ServiceDescriptor, migrations: Migrations): void {
  const logger = pino({ name: `${service.name}-migrate`, level: process.env.LOG_LEVEL ?? 'info' });
  const started = Date.now();
  migrateService(service, migrations).then(
    (applied) => {
      logger.info(
        { database: service.database, applied, ms: Date.now() - started },
        applied.length > 0 ? `applied ${applied.length} migration(s)` : 'schema already current',
      );
      process.exitCode = 0;
    },
    (error: Error) => {
      logger.error({ database: service.database, err: error }, `migrations failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
