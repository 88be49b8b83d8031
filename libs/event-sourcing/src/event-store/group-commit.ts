import type { EventContext } from '@ecom/contracts';
import { Context, context as traceContexts } from '@opentelemetry/api';
import type { DataSource } from 'typeorm';
import { eventSourcingMetrics } from '../metrics';
import type { SqlExecutor } from '../sql-executor';
import { StreamVersionConflictError } from './event-store.errors';
import { AppendToStream, PostgresEventStore, streamKey } from './postgres-event-store';
import type { RecordedEvent } from './recorded-event';

/** One command's writes: its streams (each with the version it decided on) and what else it writes. */
export interface CommitRequest {
  streams: readonly AppendToStream[];
  context: EventContext;
  /**
   * Rows the command writes besides its events (its own table, a snapshot), in the same
   * transaction, after its events. Runs only when its append won.
   */
  alsoWrite?: (tx: SqlExecutor) => Promise<void>;
}

interface Queued {
  request: CommitRequest;
  /** The trace context the request was made in: its events' outbox rows continue it, not the writer's. */
  traceContext: Context;
  resolve(events: RecordedEvent[]): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Most requests in one transaction. */
  maxBatch?: number;
}

/**
 * Group commit: commands that arrive while a transaction is committing are written together by the
 * next one, so a burst of N commands costs a few transactions instead of N. Each request is still
 * checked against its own expected versions and answered on its own: its events, or a
 * StreamVersionConflictError (the caller reloads and decides again), never a merge.
 *
 * Two requests on the same stream never share a transaction (the later one waits for the next), and
 * if a transaction fails for another reason (say, one request's extra row breaks a constraint),
 * its requests are retried one transaction each, so the failure reaches only its owner.
 */
export class GroupCommitter {
  private readonly maxBatch: number;
  private queue: Queued[] = [];
  private flushing = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: PostgresEventStore,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 200;
  }

  commit(request: CommitRequest): Promise<RecordedEvent[]> {
    if (request.streams.every((s) => s.events.length === 0) && !request.alsoWrite) {
      return Promise.resolve([]);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ request, traceContext: traceContexts.active(), resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Let the requests of this turn of the event loop join the first transaction too.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.takeBatch();
      await this.flush(batch);
    }
    this.flushing = false;
  }

  /** The oldest requests, up to maxBatch, none of which names a stream another one in the batch names. */
  private takeBatch(): Queued[] {
    const batch: Queued[] = [];
    const rest: Queued[] = [];
    const streams = new Set<string>();
    for (const item of this.queue) {
      const keys = item.request.streams.map((s) => streamKey(s.aggregateType, s.aggregateId));
      if (batch.length >= this.maxBatch || keys.some((k) => streams.has(k))) {
        rest.push(item);
        continue;
      }
      for (const key of keys) streams.add(key);
      batch.push(item);
    }
    this.queue = rest;
    return batch;
  }

  private async flush(batch: Queued[]): Promise<void> {
    try {
      const outcomes = await this.write(batch);
      batch.forEach((item, i) => {
        const outcome = outcomes[i];
        if (outcome instanceof StreamVersionConflictError) item.reject(outcome);
        else item.resolve(outcome);
      });
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      // Something in the transaction failed: find whose it was by committing each on its own.
      for (const item of batch) await this.flush([item]);
    }
  }

  private async write(batch: Queued[]): Promise<(RecordedEvent[] | StreamVersionConflictError)[]> {
    const labels = { service: this.store.source };
    eventSourcingMetrics.groupCommitRequests.observe(labels, batch.length);
    const stopTimer = eventSourcingMetrics.groupCommitDuration.startTimer(labels);
    try {
      return await this.transaction(batch);
    } finally {
      stopTimer();
    }
  }

  private transaction(batch: Queued[]): Promise<(RecordedEvent[] | StreamVersionConflictError)[]> {
    return this.dataSource.transaction(async (tx) => {
      const outcomes = await this.store.appendEach(
        tx,
        batch.map((item) => ({
          streams: item.request.streams,
          context: item.request.context,
          traceContext: item.traceContext,
        })),
      );
      for (let i = 0; i < batch.length; i++) {
        if (outcomes[i] instanceof StreamVersionConflictError) continue;
        await batch[i].request.alsoWrite?.(tx);
      }
      return outcomes;
    });
  }
}
