import { dlqTopicOf, EventEnvelope, Topics } from '@ecom/contracts';
import { KafkaMessageBus } from '@ecom/messaging';
import { EventFactory, TestService, testMessageBus, TopicProbe, waitUntil } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { GOOD_PASSWORD, startMembersService, uniqueEmail } from '../../test/members-test-service';
import { TierReviewService } from '../tier-review/tier-review.service';

const DAY = 24 * 3600 * 1000;
const events = new EventFactory();

/** An orders.events envelope as the orders service publishes it, checked against the published schema. */
function orderEvent(
  type: 'OrderPaid' | 'RefundIssued',
  data: Record<string, unknown>,
  occurredAt = new Date(),
): EventEnvelope {
  return events.make(type, data as never, occurredAt);
}
const paid = (memberId: string, orderId: string, amount: number, occurredAt?: Date) =>
  orderEvent(
    'OrderPaid',
    {
      orderId,
      memberId,
      visitorId: memberId,
      channel: 'web',
      amount,
      currency: 'CNY',
      method: 'alipay',
      paymentId: uuidv7(),
    },
    occurredAt,
  );
const refunded = (memberId: string, orderId: string, amount: number, refundId = uuidv7()) =>
  orderEvent('RefundIssued', {
    orderId,
    memberId,
    refundId,
    returnId: null,
    amount,
    currency: 'CNY',
    cause: 'RETURN',
  });

describe('points and tiers from orders.events', () => {
  let service: TestService;
  let bus: KafkaMessageBus;
  let probe: TopicProbe;
  const emails: string[] = [];

  const publish = (envelope: EventEnvelope, key = envelope.aggregateId) =>
    bus.publish([{ topic: Topics.orders, key, value: JSON.stringify(envelope) }]);
  async function newMember(label: string) {
    const email = uniqueEmail(label);
    emails.push(email);
    const response = await service.http('/v1/members', {
      body: { email, password: GOOD_PASSWORD, displayName: label },
    });
    expect(response.status).toBe(201);
    const id: string = response.body.id;
    const token = await service.tokens.bearer(id, 'customer');
    return {
      id,
      me: async () =>
        (await service.http('/v1/members/me', { token })).body as { tier: string; points: number },
    };
  }
  const waitForMe = (
    member: { me: () => Promise<{ tier: string; points: number }> },
    expected: { tier: string; points: number },
  ) =>
    waitUntil(
      async () => {
        const me = await member.me();
        return me.tier === expected.tier && me.points === expected.points ? me : undefined;
      },
      { message: `member at ${JSON.stringify(expected)}` },
    );
  const memberEvents = (memberId: string) => probe.events().filter((e) => e.aggregateId === memberId);

  beforeAll(async () => {
    service = await startMembersService();
    bus = testMessageBus(service.topicPrefix, 'orders-simulator');
    probe = await TopicProbe.start(service.topicPrefix, [Topics.members, dlqTopicOf(Topics.orders)]);
  });
  afterAll(async () => {
    await probe?.stop();
    await bus?.close();
    await service?.close();
  });

  it('earns 1 point per 1.00 paid, moves to GOLD at 5,000.00 net spend, and a refund reverses points and drops it back', async () => {
    const member = await newMember('gold');
    const order1 = uuidv7();
    const order2 = uuidv7();
    await publish(paid(member.id, order1, 300_050));
    await waitForMe(member, { tier: 'SILVER', points: 3000 });
    await publish(paid(member.id, order2, 250_000));
    await waitForMe(member, { tier: 'GOLD', points: 5500 });

    await publish(refunded(member.id, order2, 100_000));
    await waitForMe(member, { tier: 'SILVER', points: 4500 });

    const events = await probe.waitForEvents(() => memberEvents(member.id).length >= 6);
    expect(events.filter((e) => e.aggregateId === member.id).map((e) => [e.type, e.data])).toEqual([
      ['MemberRegistered', { memberId: member.id, roles: ['customer'], tier: 'SILVER' }],
      ['PointsEarned', { memberId: member.id, orderId: order1, points: 3000, balance: 3000 }],
      ['PointsEarned', { memberId: member.id, orderId: order2, points: 2500, balance: 5500 }],
      [
        'MemberTierChanged',
        { memberId: member.id, tier: 'GOLD', previousTier: 'SILVER', netSpend12m: 550_050 },
      ],
      [
        'PointsReversed',
        { memberId: member.id, orderId: order2, refundId: expect.any(String), points: 1000, balance: 4500 },
      ],
      [
        'MemberTierChanged',
        { memberId: member.id, tier: 'SILVER', previousTier: 'GOLD', netSpend12m: 450_050 },
      ],
    ]);
    // The reaction carries the order event's correlation, caused by it.
    const earned = events.find((e) => e.aggregateId === member.id && e.type === 'PointsEarned')!;
    expect(earned.causationId).toEqual(expect.any(String));
  });

  it('changes nothing when the same envelope is delivered twice, or a refund comes again under a new event id', async () => {
    const member = await newMember('redelivery');
    const order = uuidv7();
    const payment = paid(member.id, order, 120_000);
    await publish(payment);
    await waitForMe(member, { tier: 'SILVER', points: 1200 });
    const refund = refunded(member.id, order, 20_000);
    await publish(refund);
    await waitForMe(member, { tier: 'SILVER', points: 1000 });

    await publish(payment);
    await publish(refund);
    await publish({ ...refund, id: uuidv7() });
    // A marker on the same partition, after the duplicates: once it shows, they were consumed.
    await publish(paid(member.id, uuidv7(), 100), order);
    await waitForMe(member, { tier: 'SILVER', points: 1001 });

    const dataSource = service.app.get(DataSource);
    const spend = await dataSource.query(
      `SELECT entry_type, amount::int FROM member_spend WHERE order_id = $1 ORDER BY entry_type`,
      [order],
    );
    expect(spend).toEqual([
      { entry_type: 'PAYMENT', amount: 120_000 },
      { entry_type: 'REFUND', amount: 20_000 },
    ]);
    const stream = await dataSource.query(
      `SELECT type FROM es_events WHERE aggregate_id = $1 ORDER BY sequence`,
      [member.id],
    );
    expect(stream.map((r: { type: string }) => r.type)).toEqual([
      'MemberRegistered',
      'PointsEarned',
      'PointsReversed',
      'PointsEarned',
    ]);
  });

  it('counts only the last 12 months for the tier, and the review drops a tier when spend ages out', async () => {
    const old = await newMember('old-spend');
    await publish(paid(old.id, uuidv7(), 600_000, new Date(Date.now() - 400 * DAY)));
    await waitForMe(old, { tier: 'SILVER', points: 6000 });

    const recent = await newMember('recent-spend');
    await publish(paid(recent.id, uuidv7(), 5_000_000, new Date(Date.now() - 300 * DAY)));
    await waitForMe(recent, { tier: 'BLACK', points: 50_000 });

    const review = service.app.get(TierReviewService);
    expect(await review.review(new Date())).toBe(0);
    expect(await review.review(new Date(Date.now() + 70 * DAY))).toBe(1);
    await waitForMe(recent, { tier: 'SILVER', points: 50_000 });
    await probe.waitForEvents(() =>
      memberEvents(recent.id).some(
        (e) => e.type === 'MemberTierChanged' && (e.data as { tier: string }).tier === 'SILVER',
      ),
    );
    expect(
      memberEvents(recent.id)
        .filter((e) => e.type === 'MemberTierChanged')
        .map((e) => e.data),
    ).toEqual([
      { memberId: recent.id, tier: 'BLACK', previousTier: 'SILVER', netSpend12m: 5_000_000 },
      { memberId: recent.id, tier: 'SILVER', previousTier: 'BLACK', netSpend12m: 0 },
    ]);
    expect(await review.review(new Date(Date.now() + 70 * DAY))).toBe(0);
  });

  it('sends an order event for a member unknown here to orders.events.dlq and goes on', async () => {
    const stranger = uuidv7();
    await publish(paid(stranger, uuidv7(), 10_000));
    const member = await newMember('after-dlq');
    await publish(paid(member.id, uuidv7(), 10_000));
    await waitForMe(member, { tier: 'SILVER', points: 100 });
    await waitUntil(() => probe.messages.find((m) => m.topic.endsWith('orders.events.dlq')), {
      message: 'the DLQ message',
    });
    const dead = probe.messages.find((m) => m.topic.endsWith('orders.events.dlq'))!;
    expect(JSON.parse(dead.value!.toString()).data.memberId).toBe(stranger);
    expect(dead.headers['dlq-error']).toContain(`member ${stranger} not found`);
    const [{ entries }] = await service.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS entries FROM member_spend WHERE member_id = $1`, [stranger]);
    expect(entries).toBe(0);
  });

  it('refuses the unknown member of a batch and still applies the other events of the batch', async () => {
    const stranger = uuidv7();
    const member = await newMember('same-batch');
    // One partition (same key), one produce request: the consumer gets them in one batch.
    await bus.publish(
      [paid(stranger, uuidv7(), 5_000), paid(member.id, uuidv7(), 20_000)].map((envelope) => ({
        topic: Topics.orders,
        key: 'one-partition',
        value: JSON.stringify(envelope),
      })),
    );
    await waitForMe(member, { tier: 'SILVER', points: 200 });
    await waitUntil(
      () =>
        probe.messages.find(
          (m) => m.topic.endsWith('orders.events.dlq') && m.value?.toString().includes(stranger),
        ),
      { message: 'the stranger on the DLQ' },
    );
    const [{ entries }] = await service.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS entries FROM member_spend WHERE member_id = $1`, [stranger]);
    expect(entries).toBe(0);
  });

  it('publishes no email on members.events', async () => {
    const raw = probe.messages
      .filter((m) => m.topic.endsWith('members.events'))
      .map((m) => m.value!.toString());
    expect(raw.length).toBeGreaterThan(10);
    for (const value of raw) for (const email of emails) expect(value).not.toContain(email);
  });
});
