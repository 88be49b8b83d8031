/**
 * Runs the catalog database's pending migrations and exits: the migration Job of a deployment runs
 * this before the rollout (k8s/README.md), with the Deployments at MIGRATIONS_RUN=false.
 *
 *   node dist/apps/catalog/src/migrate.js
 */
import 'reflect-metadata';
import { runMigrateCommand, SERVICES } from '@ecom/platform';
import { CATALOG_MIGRATIONS } from './database/migrations/1763800000000-create-catalog-read-models';

runMigrateCommand(SERVICES.catalog, CATALOG_MIGRATIONS);
