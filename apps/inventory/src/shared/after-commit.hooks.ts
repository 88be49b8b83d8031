import type { SqlExecutor } from '@ecom/event-sourcing';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  DataSource,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';

/** Gets the connection of the committed transaction (still held until the callbacks are done). */
type Callback = (sql: SqlExecutor) => Promise<void> | void;

/** The TypeORM query runner of the transaction `sql` belongs to, if it is one that is open. */
export function transactionOf(sql: SqlExecutor): QueryRunner | undefined {
  const candidate = (sql as { queryRunner?: QueryRunner }).queryRunner ?? (sql as QueryRunner);
  return candidate && typeof candidate === 'object' && candidate.isTransactionActive === true
    ? candidate
    : undefined;
}

/**
 * Work that must only happen once a transaction has committed (refreshing the Redis cache, waking the
 * outbox relay): registered against the transaction, run after its COMMIT, dropped on rollback. Runs
 * right away when `sql` is not in a transaction. Failures are logged, never thrown into the commit.
 * Callbacks query through the connection they are given: taking another one from the pool while the
 * committed transaction still holds its own could exhaust the pool under load.
 */
@Injectable()
export class AfterCommitHooks implements OnModuleInit, EntitySubscriberInterface {
  private readonly logger = new Logger('AfterCommit');
  private readonly pending = new WeakMap<QueryRunner, Map<string, Callback>>();

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
  }

  /** Runs `callback` after the commit; one callback per key and transaction (a later one replaces it). */
  register(sql: SqlExecutor, key: string, callback: Callback): void {
    const tx = transactionOf(sql);
    if (!tx) {
      void this.run(callback, sql);
      return;
    }
    let callbacks = this.pending.get(tx);
    if (!callbacks) {
      callbacks = new Map();
      this.pending.set(tx, callbacks);
    }
    callbacks.set(key, callback);
  }

  isRegistered(sql: SqlExecutor, key: string): boolean {
    const tx = transactionOf(sql);
    return !!tx && !!this.pending.get(tx)?.has(key);
  }

  async afterTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    // A nested TypeORM transaction "commits" by releasing a savepoint: wait for the real COMMIT.
    if (event.queryRunner.isTransactionActive) return;
    const callbacks = this.pending.get(event.queryRunner);
    if (!callbacks) return;
    this.pending.delete(event.queryRunner);
    for (const callback of callbacks.values()) await this.run(callback, event.queryRunner);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.pending.delete(event.queryRunner);
  }

  private async run(callback: Callback, sql: SqlExecutor): Promise<void> {
    try {
      await callback(sql);
    } catch (error) {
      this.logger.warn(`after-commit work failed: ${(error as Error).message}`);
    }
  }
}
