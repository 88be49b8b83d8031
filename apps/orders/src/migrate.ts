/**
 * Runs the orders database's pending migrations and exits: the migration Job of a deployment runs
 * this before the rollout (k8s/README.md), with the Deployments at MIGRATIONS_RUN=false.
 *
 *   node dist/apps/orders/src/migrate.js
 */
import 'reflect-metadata';
import { runMigrateCommand, SERVICES } from '@ecom/platform';
import { ORDERS_MIGRATIONS } from './database/migrations/1764100000000-create-orders-read-models';

runMigrateCommand(SERVICES.orders, ORDERS_MIGRATIONS);
