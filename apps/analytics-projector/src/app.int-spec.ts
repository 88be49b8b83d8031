import { SERVICES } from '@ecom/platform';
import { expectServiceBasics, startTestService, TestService, waitUntil } from '@ecom/testing';
import { AppModule } from './app.module';

describe('analytics-projector app', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.analyticsProjector);
  });
  afterAll(() => service?.close());

  it('becomes ready once its consumer has caught up with the topics (not before: its lag is unknown at start)', async () => {
    const ready = await waitUntil(
      async () => {
        const answer = await service.http('/health/ready');
        return answer.status === 200 ? answer : undefined;
      },
      { timeoutMs: 60_000, message: 'the projector ready once caught up' },
    );
    const consumers: { name: string; state: string }[] = ready.body.details.kafka.consumers;
    expect(consumers.length).toBeGreaterThan(0);
    for (const consumer of consumers) expect(consumer.state).toBe('caught-up');
  });

  it('is live and ready with its database, Kafka and Redis up, and serves metrics and its OpenAPI document', async () => {
    await expectServiceBasics(service, 'analytics-projector');
  });
});
