import type { EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';
import type { PostgresEventStore } from '../event-store/postgres-event-store';

/**
 * The one way the outbox relay is woken in its own process: a TypeORM transaction subscriber that,
 * after every COMMIT of a transaction that appended events (whoever opened it: a command, the group
 * commit, a consumer batch, a job), wakes the relay. Register it on every DataSource that appends.
 */
export class WakeRelayOnCommit implements EntitySubscriberInterface {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly wake: () => void,
  ) {}

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A nested TypeORM transaction "commits" by releasing a savepoint: wait for the real COMMIT.
    if (event.queryRunner.isTransactionActive) return;
    if (this.store.queuedOutboxIn(event.queryRunner)) this.wake();
  }
}
