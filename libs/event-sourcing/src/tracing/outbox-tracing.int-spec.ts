import type { IncomingBatch, MessagePublisher, MessageSubscriber, OutgoingMessage } from '@ecom/messaging';
import { createTestDatabase, createTestDataSource, TestDatabase } from '@ecom/testing';
import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { CommandSessions } from '../command/command-session';
import { IdempotentEventConsumer, reactionContext } from '../consumer/idempotent-event-consumer';
import { BusinessRuleError } from '../domain/domain-error';
import { GroupCommitter } from '../event-store/group-commit';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { EVENT_SOURCING_MIGRATIONS } from '../migrations/1763780000000-create-event-store';
import { OutboxRelay } from '../outbox/outbox-relay';
import { startInMemoryTracing } from '../test/in-memory-tracing';
import { increase, TallyAggregate, TallyEvent, tallyRegistry } from '../test/tally.fixture';

class RecordingPublisher implements MessagePublisher {
  readonly published: OutgoingMessage[] = [];
  failWith?: Error;
  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.published.push(...messages);
  }
}

const subscriber: MessageSubscriber = {
  subscribe: () => Promise.reject(new Error('not used: batches are fed by the test')),
};

/** `00-<trace>-<span>-01` of a span. */
const traceparentOf = (ids: { traceId: string; spanId: string }) => `00-${ids.traceId}-${ids.spanId}-01`;
const parts = (traceparent: string | null | undefined) => {
  const [, traceId, spanId] = (traceparent ?? '').split('-');
  return { traceId, spanId };
};

describe('trace context across the outbox (PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let tracing: ReturnType<typeof startInMemoryTracing>;
  const tracer = trace.getTracer('test');

  beforeAll(async () => {
    tracing = startInMemoryTracing();
    db = await createTestDatabase('outbox_tracing');
    dataSource = await createTestDataSource(db.url, EVENT_SOURCING_MIGRATIONS, 5);
    store = new PostgresEventStore({ source: 'test', registry: tallyRegistry() });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
    await tracing?.stop();
  });

  beforeEach(async () => {
    tracing.reset();
    await dataSource.query(`DELETE FROM es_outbox`);
  });

  const outboxRows = (): Promise<
    { event_id: string; message_key: string; traceparent: string | null; tracestate: string | null }[]
  > => dataSource.query(`SELECT event_id, message_key, traceparent, tracestate FROM es_outbox ORDER BY id`);

  /** Runs `work` as a traced request would: inside an active span, returned for its ids. */
  const inRequest = async <T>(name: string, work: () => Promise<T>) => {
    const span = tracer.startSpan(name);
    try {
      const result = await context.with(trace.setSpan(ROOT_CONTEXT, span), work);
      return { result, ids: span.spanContext() };
    } finally {
      span.end();
    }
  };

  it('stores the request span with the outbox rows of a transaction, and nothing outside a trace', async () => {
    const sessions = new CommandSessions(dataSource, store);
    const { ids } = await inRequest('POST /v1/tallies', () =>
      sessions.run((session) =>
        session.execute(TallyAggregate, 'in-trace', (state) => increase('in-trace', 2, state), {
          correlationId: 'c-1',
        }),
      ),
    );
    await sessions.run((session) =>
      session.execute(TallyAggregate, 'no-trace', (state) => increase('no-trace', 1, state), {
        correlationId: 'c-2',
      }),
    );
    const rows = await outboxRows();
    expect(rows.map((r) => [r.message_key, r.traceparent])).toEqual([
      ['in-trace', traceparentOf(ids)],
      ['no-trace', null],
    ]);
  });

  it('keeps each request its own trace when the group commit writes several in one transaction', async () => {
    const sessions = new CommandSessions(dataSource, store, {
      committer: new GroupCommitter(dataSource, store),
    });
    // Asked in the same turn of the event loop: one transaction, opened in the first one's context.
    const [first, second] = await Promise.all(
      ['grouped-a', 'grouped-b'].map((id) =>
        inRequest(`POST ${id}`, () =>
          sessions.execute(TallyAggregate, id, (state) => increase(id, 1, state), { correlationId: id }),
        ),
      ),
    );
    const rows = await outboxRows();
    expect(rows.map((r) => [r.message_key, r.traceparent])).toEqual([
      ['grouped-a', traceparentOf(first.ids)],
      ['grouped-b', traceparentOf(second.ids)],
    ]);
  });

  it('publishes each row in a PRODUCER span under its stored context, sent as its traceparent', async () => {
    const sessions = new CommandSessions(dataSource, store);
    const { ids } = await inRequest('POST /v1/tallies', () =>
      sessions.run((session) =>
        session.execute(TallyAggregate, 'relayed', (state) => increase('relayed', 1, state), {
          correlationId: 'c-3',
        }),
      ),
    );
    await sessions.run((session) =>
      session.execute(TallyAggregate, 'relayed-untraced', (state) => increase('relayed-untraced', 1, state), {
        correlationId: 'c-4',
      }),
    );
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay(dataSource, publisher, { service: 'test' });
    expect(await relay.relayOnce()).toBe(2);
    await relay.stop();

    const producers = tracing.spans().filter((s) => s.kind === SpanKind.PRODUCER);
    const traced = producers.find((s) => s.attributes['messaging.kafka.message.key'] === 'relayed')!;
    expect(traced.spanContext().traceId).toBe(ids.traceId);
    expect(traced.parentSpanContext?.spanId).toBe(ids.spanId);
    const [message, untracedMessage] = publisher.published;
    expect(message.headers).toMatchObject({
      'event-type': 'TallyIncreased',
      traceparent: traceparentOf(traced.spanContext()),
    });
    // A row appended outside a trace starts one at its publish, so its consumers still share one.
    const untraced = producers.find(
      (s) => s.attributes['messaging.kafka.message.key'] === 'relayed-untraced',
    )!;
    expect(untraced.parentSpanContext).toBeUndefined();
    expect(untracedMessage.headers?.traceparent).toBe(traceparentOf(untraced.spanContext()));
  });

  it('logs a failed publish in a span linked to the messages it held up', async () => {
    const sessions = new CommandSessions(dataSource, store);
    await inRequest('POST /v1/tallies', () =>
      sessions.run((session) =>
        session.execute(TallyAggregate, 'held-up', (state) => increase('held-up', 1, state), {
          correlationId: 'c-5',
        }),
      ),
    );
    const publisher = new RecordingPublisher();
    publisher.failWith = new Error('broker unreachable');
    const logged: { message: string; spanId?: string }[] = [];
    const relay = new OutboxRelay(dataSource, publisher, {
      service: 'test',
      logger: {
        error: (message) => logged.push({ message, spanId: trace.getActiveSpan()?.spanContext().spanId }),
      },
    });
    relay.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await relay.stop();

    const failed = tracing.spans().find((s) => s.name === 'outbox publish')!;
    const producer = tracing.spans().find((s) => s.kind === SpanKind.PRODUCER)!;
    expect(producer.status.message).toBe('broker unreachable');
    expect(failed.links.map((l) => l.context.spanId)).toContain(producer.spanContext().spanId);
    expect(logged[0]).toEqual({
      message: 'outbox relay round failed (attempt 1)',
      spanId: failed.spanContext().spanId,
    });
  });

  describe('a consumer', () => {
    const envelope = (tallyId: string) => ({
      id: uuidv7(),
      type: 'TallyIncreased',
      version: 1,
      source: 'test',
      aggregateType: 'Tally',
      aggregateId: tallyId,
      sequence: 1,
      occurredAt: new Date().toISOString(),
      correlationId: `corr-${tallyId}`,
      causationId: null,
      data: { tallyId, by: 1 },
    });
    const batchOf = (messages: { value: unknown; traceparent?: string }[]): IncomingBatch => ({
      topic: 'catalog.events',
      partition: 0,
      messages: messages.map(({ value, traceparent }, i) => ({
        topic: 'catalog.events',
        partition: 0,
        offset: String(i),
        key: 'k',
        value: Buffer.from(JSON.stringify(value)),
        headers: traceparent ? { traceparent } : ({} as Record<string, string>),
        timestamp: Date.now(),
      })),
      lagAfterBatch: () => 0,
      markProcessed: () => undefined,
      heartbeat: async () => undefined,
      isRunning: () => true,
    });
    const producerContext = () => {
      const span = tracer.startSpan('send TallyIncreased', { kind: SpanKind.PRODUCER });
      span.end();
      return span.spanContext();
    };

    it('handles each event of a batch in a CONSUMER span of its own trace, and its reactions continue it', async () => {
      const [first, second] = [producerContext(), producerContext()];
      const incoming = [envelope('saga-a'), envelope('saga-b')];
      const debugLines: { message: string; traceId?: string }[] = [];
      const consumer = new IdempotentEventConsumer<TallyEvent & ReturnType<typeof envelope>>({
        name: 'tracing.bulk',
        topics: ['catalog.events'],
        dataSource,
        sessions: new CommandSessions(dataSource, store),
        subscriber,
        publisher: new RecordingPublisher(),
        registry: tallyRegistry(),
        // A batch handler: every reaction appended at once, as the sagas do.
        handleEvents: async (events, session) => {
          const tracked = await session.track(
            TallyAggregate,
            events.map((e) => `reaction-of-${e.data.tallyId}`),
          );
          for (const event of events) {
            const id = `reaction-of-${event.data.tallyId}`;
            tracked.record(id, increase(id, 1, tracked.state(id)), reactionContext(event));
          }
        },
        logger: {
          debug: (message) =>
            debugLines.push({ message, traceId: trace.getActiveSpan()?.spanContext().traceId }),
          warn: () => undefined,
          error: () => undefined,
        },
      });
      await consumer.handleBatch(
        batchOf([
          { value: incoming[0], traceparent: traceparentOf(first) },
          { value: incoming[1], traceparent: traceparentOf(second) },
        ]),
      );

      const consumers = tracing.spans().filter((s) => s.kind === SpanKind.CONSUMER);
      expect(consumers.map((s) => [s.name, s.spanContext().traceId, s.parentSpanContext?.spanId])).toEqual([
        ['process TallyIncreased', first.traceId, first.spanId],
        ['process TallyIncreased', second.traceId, second.spanId],
      ]);
      const rows = await outboxRows();
      expect(rows.map((r) => [r.message_key, parts(r.traceparent)])).toEqual([
        ['reaction-of-saga-a', { traceId: first.traceId, spanId: consumers[0].spanContext().spanId }],
        ['reaction-of-saga-b', { traceId: second.traceId, spanId: consumers[1].spanContext().spanId }],
      ]);
      expect(debugLines).toEqual([
        {
          message: expect.stringMatching(
            new RegExp(`^tracing.bulk: applied TallyIncreased ${incoming[0].id} .*correlation corr-saga-a`),
          ),
          traceId: first.traceId,
        },
        { message: expect.stringContaining(incoming[1].id), traceId: second.traceId },
      ]);

      // Delivered again: a duplicate, marked on its span and not applied (no debug line).
      tracing.reset();
      await consumer.handleBatch(batchOf([{ value: incoming[0], traceparent: traceparentOf(first) }]));
      expect(tracing.spans().find((s) => s.kind === SpanKind.CONSUMER)?.attributes['ecom.duplicate']).toBe(
        true,
      );
      expect(debugLines).toHaveLength(2);
    });

    it('dead-letters a refused event with its original traceparent, logged in its failed span', async () => {
      const cause = producerContext();
      const publisher = new RecordingPublisher();
      const warnings: { message: string; traceId?: string }[] = [];
      const consumer = new IdempotentEventConsumer({
        name: 'tracing.refusing',
        topics: ['catalog.events'],
        dataSource,
        sessions: new CommandSessions(dataSource, store),
        subscriber,
        publisher,
        registry: tallyRegistry(),
        handle: async () => {
          throw new BusinessRuleError('not this one');
        },
        logger: {
          warn: (message) =>
            warnings.push({ message, traceId: trace.getActiveSpan()?.spanContext().traceId }),
          error: () => undefined,
        },
      });
      await consumer.handleBatch(
        batchOf([{ value: envelope('refused'), traceparent: traceparentOf(cause) }]),
      );

      expect(publisher.published).toHaveLength(1);
      expect(publisher.published[0].headers).toMatchObject({
        traceparent: traceparentOf(cause),
        'dlq-error': 'not this one',
      });
      expect(warnings).toEqual([
        {
          message: expect.stringContaining('to DLQ: not this one (correlation corr-refused)'),
          traceId: cause.traceId,
        },
      ]);
      const span = tracing.spans().find((s) => s.kind === SpanKind.CONSUMER)!;
      expect(span.attributes['ecom.dead_lettered']).toBe(true);
      expect(span.status.message).toBe('not this one');
    });
  });
});
