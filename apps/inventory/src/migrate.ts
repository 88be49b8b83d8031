/**
 * Runs the inventory database's pending migrations and exits: the migration Job of a deployment runs
 * this before the rollout (k8s/README.md), with the Deployments at MIGRATIONS_RUN=false.
 *
 *   node dist/apps/inventory/src/migrate.js
 */
import 'reflect-metadata';
import { runMigrateCommand, SERVICES } from '@ecom/platform';
import { INVENTORY_MIGRATIONS } from './database/migrations/1764000000000-create-inventory-read-models';

runMigrateCommand(SERVICES.inventory, INVENTORY_MIGRATIONS);
