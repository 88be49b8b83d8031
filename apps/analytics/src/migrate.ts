/**
 * Runs the analytics database's pending migrations (the projector's too: they share that database
 * and its migrations) and exits: the migration Job of a deployment runs this before the rollout
 * (k8s/README.md), with the Deployments at MIGRATIONS_RUN=false.
 *
 *   node dist/apps/analytics/src/migrate.js
 */
import 'reflect-metadata';
import { runMigrateCommand, SERVICES } from '@ecom/platform';
import { ANALYTICS_MIGRATIONS } from '@ecom/analytics-read-models';

runMigrateCommand(SERVICES.analytics, ANALYTICS_MIGRATIONS);
