/**
 * Runs the members database's pending migrations and exits: the migration Job of a deployment runs
 * this before the rollout (k8s/README.md), with the Deployments at MIGRATIONS_RUN=false.
 *
 *   node dist/apps/members/src/migrate.js
 */
import 'reflect-metadata';
import { runMigrateCommand, SERVICES } from '@ecom/platform';
import { MEMBERS_MIGRATIONS } from './database/migrations/1763900000000-create-member-tables';

runMigrateCommand(SERVICES.members, MEMBERS_MIGRATIONS);
