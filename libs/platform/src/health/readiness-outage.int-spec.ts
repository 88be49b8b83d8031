import { Module } from '@nestjs/common';
import {
  createTestDatabase,
  LocalKafkaBroker,
  startTestService,
  TcpProxy,
  TestDatabase,
  TestService,
  waitUntil,
} from '@ecom/testing';
import { ServiceDescriptor } from '../config/service-descriptor';
import { PlatformModule } from '../platform.module';

const descriptor: ServiceDescriptor = {
  name: 'outage',
  database: 'ecom_outage',
  envPrefix: 'OUTAGE',
  httpPort: 0,
};

@Module({ imports: [PlatformModule.forService(descriptor)] })
class OutageTestModule {}

/**
 * /health/ready must say 503 while PostgreSQL or Kafka is gone and 200 once it is back. The broker
 * here is the test's own (stopped and started for real); PostgreSQL is cut with a TCP proxy so the
 * server other suites use keeps running.
 */
describe('readiness when a dependency stops', () => {
  let broker: LocalKafkaBroker;
  let proxy: TcpProxy;
  let database: TestDatabase;
  let service: TestService;

  const ready = async () => service.http('/health/ready');

  beforeAll(async () => {
    broker = await LocalKafkaBroker.create();
    await broker.start();
    database = await createTestDatabase('outage');
    const url = new URL(database.url);
    proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
    url.port = String(await proxy.start());
    service = await startTestService(OutageTestModule, descriptor, {
      database,
      env: { OUTAGE_DATABASE_URL: url.toString(), KAFKA_BROKERS: broker.brokers },
    });
  }, 180_000);

  afterAll(async () => {
    await service?.close();
    await proxy?.stop();
    await broker?.destroy();
    await database?.drop();
  }, 120_000);

  it('is ready with everything up', async () => {
    const response = await ready();
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
  });

  it('reports PostgreSQL down with 503 and recovers when it returns', async () => {
    await proxy.stop();
    const down = await waitUntil(
      async () => {
        const r = await ready();
        return r.status === 503 ? r : undefined;
      },
      { timeoutMs: 20_000, message: '503 while PostgreSQL is unreachable' },
    );
    expect(down.body.error.database.status).toBe('down');
    expect(down.body.details.kafka.status).toBe('up');

    await proxy.start();
    await waitUntil(async () => (await ready()).status === 200, {
      timeoutMs: 30_000,
      message: '200 after PostgreSQL returned',
    });
  }, 90_000);

  it('reports Kafka down with 503 and recovers when it returns', async () => {
    await broker.stop();
    const down = await waitUntil(
      async () => {
        const r = await ready();
        return r.status === 503 ? r : undefined;
      },
      { timeoutMs: 20_000, message: '503 while Kafka is stopped' },
    );
    expect(down.body.error.kafka.status).toBe('down');
    expect(down.body.details.database.status).toBe('up');

    await broker.start();
    await waitUntil(async () => (await ready()).status === 200, {
      timeoutMs: 60_000,
      message: '200 after Kafka restarted',
    });
  }, 150_000);
});
