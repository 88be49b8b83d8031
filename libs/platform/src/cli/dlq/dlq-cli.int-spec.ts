import { Topics } from '@ecom/contracts';
import { BusinessRuleError } from '@ecom/event-sourcing/domain';
import {
  createTestTopics,
  deleteTestTopics,
  EventFactory,
  runCli,
  startTestService,
  testInfrastructure,
  testMessageBus,
  TestService,
  uniqueTopicPrefix,
  waitUntil,
} from '@ecom/testing';
import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ServiceDescriptor } from '../../config/service-descriptor';
import { EventSourcingRuntime } from '../../event-sourcing/event-sourcing.runtime';
import { PlatformModule } from '../../platform.module';

const CLI = 'libs/platform/src/cli/dlq/dlq.ts';

const descriptor: ServiceDescriptor = {
  name: 'dlqtest',
  database: 'ecom_dlqtest',
  envPrefix: 'DLQTEST',
  httpPort: 0,
};

/**
 * A consumer that refuses SKUs priced in a currency the service does not accept yet (a DomainError:
 * to the DLQ), and counts how often it applied each SKU.
 */
@Injectable()
class SkuConsumer implements OnModuleInit {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.dataSource.query(`CREATE TABLE IF NOT EXISTS accepted_currencies (code text PRIMARY KEY)`);
    await this.dataSource.query(
      `CREATE TABLE IF NOT EXISTS applied_skus (sku text PRIMARY KEY, times int NOT NULL)`,
    );
    await this.dataSource.query(`INSERT INTO accepted_currencies VALUES ('CNY') ON CONFLICT DO NOTHING`);
    this.runtime.consume({
      name: 'dlqtest.skus',
      topics: [Topics.catalog],
      handles: ['SkuAdded'],
      handle: async (event, session) => {
        const [accepted] = await session.sql.query(`SELECT 1 FROM accepted_currencies WHERE code = $1`, [
          event.data.currency,
        ]);
        if (!accepted) throw new BusinessRuleError(`currency ${event.data.currency} is not accepted`);
        await session.sql.query(
          `INSERT INTO applied_skus VALUES ($1, 1) ON CONFLICT (sku) DO UPDATE SET times = applied_skus.times + 1`,
          [event.data.sku],
        );
      },
    });
  }
}

@Module({ imports: [PlatformModule.forService(descriptor)], providers: [SkuConsumer] })
class DlqTestModule {}

describe('DLQ command (npm run dlq) against a consumer that dead-letters', () => {
  let prefix: string;
  let service: TestService;
  let env: Record<string, string>;

  const json = async (args: string[]) => {
    const run = await runCli(CLI, [...args, '--json'], env);
    if (run.code !== 0) throw new Error(`dlq ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
    return JSON.parse(run.stdout);
  };
  const applied = async (sku: string): Promise<number | undefined> =>
    (await service.app.get(DataSource).query(`SELECT times FROM applied_skus WHERE sku = $1`, [sku]))[0]
      ?.times;
  const metric = async (name: string) => {
    const text = (await service.http('/metrics')).body as string;
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`${name}{`) && l.includes('consumer="dlqtest.skus"'));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };

  beforeAll(async () => {
    prefix = uniqueTopicPrefix('dlq');
    await createTestTopics(prefix);
    service = await startTestService(DlqTestModule, descriptor, { topicPrefix: prefix });
    env = {
      KAFKA_BROKERS: testInfrastructure().kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      USER: 'ops-alice',
    };
  }, 120_000);

  afterAll(async () => {
    await service?.close();
    await deleteTestTopics(prefix);
  }, 60_000);

  it('lists a poisoned message with its error, redrives it once the cause is fixed, and it is applied once', async () => {
    const events = new EventFactory();
    const sku = (code: string, currency: string) =>
      events.make('SkuAdded', {
        productId: `p-${code}`,
        sku: code,
        price: 1000,
        cost: null,
        currency,
        attributes: {},
      });
    const cny = sku('DLQ-CNY', 'CNY');
    const usd = sku('DLQ-USD', 'USD');
    const bus = testMessageBus(prefix, 'catalog-simulator');
    try {
      await bus.publish([
        { topic: Topics.catalog, key: 'p-DLQ-CNY', value: JSON.stringify(cny) },
        { topic: Topics.catalog, key: 'p-DLQ-USD', value: JSON.stringify(usd) },
        { topic: Topics.catalog, key: 'p-garbage', value: '{not json' },
      ]);
    } finally {
      await bus.close();
    }
    // The consumer's service counts what it dead-letters (the DLQ growth alert's metric).
    await waitUntil(async () => (await metric('events_dead_lettered_total')) === 2, {
      timeoutMs: 30_000,
      message: 'two messages dead-lettered',
    });
    expect(await applied('DLQ-CNY')).toBe(1);
    expect(await applied('DLQ-USD')).toBeUndefined();

    const [listed] = await json(['list', '--topic', 'catalog.events']);
    expect(listed.dlqTopic).toBe('catalog.events.dlq');
    expect(listed.entries).toHaveLength(2);
    const refused = listed.entries.find((e: { key: string }) => e.key === 'p-DLQ-USD');
    const garbage = listed.entries.find((e: { key: string }) => e.key === 'p-garbage');
    expect(refused).toMatchObject({
      error: { type: 'BusinessRuleError', message: 'currency USD is not accepted' },
      consumer: 'dlqtest.skus',
      original: { topic: Topics.catalog, partition: expect.any(Number), offset: expect.any(String) },
      event: { id: usd.id, type: 'SkuAdded', aggregateId: usd.aggregateId },
      redriven: null,
    });
    expect(JSON.parse(refused.payload)).toEqual(usd);
    expect(garbage).toMatchObject({
      event: null,
      payload: '{not json',
      error: { type: 'EventValidationError' },
    });

    const text = await runCli(CLI, ['list'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('catalog.events.dlq: 2 message(s), 0 redriven');
    expect(text.stdout).toContain('BusinessRuleError: currency USD is not accepted');
    expect(text.stdout).toMatch(/empty: .*orders\.events\.dlq/);
    const shown = await runCli(CLI, ['show', 'catalog.events', refused.id], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^error +BusinessRuleError: currency USD is not accepted$/m);
    expect(shown.stdout).toContain('"currency": "USD"');

    // The cause fixed: USD accepted. The redrive sends it back; the consumer applies it.
    await service.app.get(DataSource).query(`INSERT INTO accepted_currencies VALUES ('USD')`);
    const redriven = await json(['redrive', 'catalog.events', refused.id]);
    expect(redriven).toMatchObject({ dlqTopic: 'catalog.events.dlq', redriven: [refused.id], sent: 1 });
    await waitUntil(async () => (await applied('DLQ-USD')) === 1, {
      timeoutMs: 30_000,
      message: 'the redriven SKU applied',
    });

    // A second redrive of the same message is refused; forced, it is sent and the consumer skips it.
    const again = await runCli(CLI, ['redrive', 'catalog.events', refused.id], env);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain(`${refused.id}: already redriven at`);
    expect(again.stderr).toContain('by ops-alice');
    const duplicatesBefore = await metric('events_duplicate_total');
    expect(await json(['redrive', 'catalog.events', refused.id, '--force'])).toMatchObject({ sent: 1 });
    await waitUntil(async () => (await metric('events_duplicate_total')) > duplicatesBefore, {
      timeoutMs: 30_000,
      message: 'the forced redrive delivered and skipped as a duplicate',
    });
    expect(await applied('DLQ-USD')).toBe(1);
    expect(await applied('DLQ-CNY')).toBe(1);

    // The DLQ says what was redriven; --all takes only the rest.
    const [after] = await json(['list', '--topic', 'catalog.events.dlq']);
    expect(after.entries).toHaveLength(2);
    expect(after.entries.find((e: { id: string }) => e.id === refused.id).redriven).toMatchObject({
      by: 'ops-alice',
      forced: true,
    });
    expect(await json(['redrive', 'catalog.events', '--all', '--dry-run'])).toEqual({
      dlqTopic: 'catalog.events.dlq',
      dryRun: true,
      redriven: [garbage.id],
      sent: 1,
      alreadyRedriven: [refused.id],
    });
  }, 240_000);

  it('refuses unknown topics, offsets that hold no message and a malformed command', async () => {
    const unknown = await runCli(CLI, ['list', '--topic', 'order.events'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown topic order.events; the topics are catalog.events');
    const missing = await runCli(CLI, ['redrive', 'orders.events', '5'], env);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('5: no dead-lettered message at this offset of orders.events.dlq');
    const both = await runCli(CLI, ['redrive', 'orders.events', '5', '--all'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('redrive takes offsets or --all (not both)');
    const notAnOffset = await runCli(CLI, ['show', 'orders.events', 'last'], env);
    expect(notAnOffset.code).toBe(2);
  }, 120_000);
});
