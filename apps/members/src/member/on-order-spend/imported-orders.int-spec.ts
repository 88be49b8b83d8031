import { EventEnvelope, importedMemberId, importedOrderId, Topics } from '@ecom/contracts';
import { KafkaMessageBus } from '@ecom/messaging';
import { EventSourcingRuntime } from '@ecom/platform';
import { EventFactory, TestService, testMessageBus, TopicProbe, waitUntil } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { GOOD_PASSWORD, startMembersService, uniqueEmail } from '../../test/members-test-service';
import { MemberProjections } from '../member.module';

const DAY = 24 * 3600 * 1000;
const events = new EventFactory();
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/** A customer of the platform the history comes from, with the member id every service derives from it. */
function sourceCustomer(label: string) {
  const customerRef = `${label}-${uuidv7()}`;
  return { customerRef, memberId: importedMemberId(customerRef) };
}

/** An OrderImported envelope as the orders service's import publishes it (schema-checked by the factory). */
function importedOrder(
  customer: { customerRef: string; memberId: string },
  order: { paidDaysAgo: number | null; total: number; refunds?: number[] },
): EventEnvelope {
  const sourceOrderId = `SO-${uuidv7()}`;
  const placedAt = daysAgo((order.paidDaysAgo ?? 30) + 0.01);
  const paidAt = order.paidDaysAgo === null ? null : daysAgo(order.paidDaysAgo);
  return events.make(
    'OrderImported',
    {
      orderId: importedOrderId(sourceOrderId),
      sourceOrderId,
      memberId: customer.memberId,
      customerRef: customer.customerRef,
      channel: 'web',
      placedAt,
      paidAt,
      lines: [{ sku: 'SKU-1', quantity: 1, unitPrice: order.total, lineTotal: order.total }],
      total: order.total,
      currency: 'CNY',
      refunds: (order.refunds ?? []).map((amount) => ({
        amount,
        refundedAt: daysAgo((order.paidDaysAgo ?? 0) - 1),
        reason: null,
      })),
      status: paidAt ? 'COMPLETED' : 'CANCELLED',
    },
    placedAt,
  );
}

describe('members from an imported order history (orders.events OrderImported)', () => {
  let service: TestService;
  let bus: KafkaMessageBus;
  let probe: TopicProbe;
  let operator: string;

  /** One produce request on one partition: the consumer gets the envelopes in order, usually in one batch. */
  const publish = (envelopes: EventEnvelope[], key = 'one-partition') =>
    bus.publish(envelopes.map((e) => ({ topic: Topics.orders, key, value: JSON.stringify(e) })));
  const memberView = async (memberId: string) => {
    const response = await service.http(`/v1/members/${memberId}`, { token: operator });
    return response.status === 200 ? (response.body as Record<string, unknown>) : undefined;
  };
  const waitForMember = (memberId: string, expected: { tier: string }) =>
    waitUntil(
      async () => {
        const view = await memberView(memberId);
        return view?.tier === expected.tier ? view : undefined;
      },
      { message: `member ${memberId} at ${expected.tier}` },
    );
  const stream = async (memberId: string) =>
    (
      await service.app
        .get(DataSource)
        .query(`SELECT type, data FROM es_events WHERE aggregate_id = $1 ORDER BY sequence`, [memberId])
    ).map((row: { type: string; data: unknown }) => [row.type, row.data]);
  const spend = (memberId: string) =>
    service.app
      .get(DataSource)
      .query(
        `SELECT entry_type, amount::int FROM member_spend WHERE member_id = $1 ORDER BY spent_at, entry_type`,
        [memberId],
      );

  beforeAll(async () => {
    service = await startMembersService();
    bus = testMessageBus(service.topicPrefix, 'orders-import-simulator');
    probe = await TopicProbe.start(service.topicPrefix, [Topics.members]);
    operator = await service.tokens.bearer(uuidv7(), 'operator');
  });
  afterAll(async () => {
    await probe?.stop();
    await bus?.close();
    await service?.close();
  });

  it('creates the member once from two orders of one customer, sets the tier from their net spend, and grants no points', async () => {
    const customer = sourceCustomer('C-gold');
    // 4,000.00 paid 30 days ago with 500.00 refunded, 2,000.00 paid 10 days ago: 5,500.00 net -> GOLD.
    // 100,000.00 paid 400 days ago is outside the 12 months and would have made it BLACK.
    await publish([
      importedOrder(customer, { paidDaysAgo: 400, total: 10_000_000 }),
      importedOrder(customer, { paidDaysAgo: 30, total: 400_000, refunds: [50_000] }),
    ]);
    await publish([importedOrder(customer, { paidDaysAgo: 10, total: 200_000 })]);

    const view = await waitForMember(customer.memberId, { tier: 'GOLD' });
    expect(view).toEqual({
      id: customer.memberId,
      email: null,
      displayName: null,
      phone: null,
      customerRef: customer.customerRef,
      tier: 'GOLD',
      points: 0,
      roles: ['customer'],
      registeredAt: expect.any(String),
    });
    expect(await stream(customer.memberId)).toEqual([
      [
        'MemberImported',
        {
          memberId: customer.memberId,
          customerRef: customer.customerRef,
          roles: ['customer'],
          tier: 'SILVER',
        },
      ],
      [
        'MemberTierChanged',
        { memberId: customer.memberId, tier: 'GOLD', previousTier: 'SILVER', netSpend12m: 550_000 },
      ],
    ]);
    expect(await spend(customer.memberId)).toEqual([
      { entry_type: 'PAYMENT', amount: 10_000_000 },
      { entry_type: 'PAYMENT', amount: 400_000 },
      // A refund counts at its order's payment date (the ledger's rule), so it sorts with it.
      { entry_type: 'REFUND', amount: 50_000 },
      { entry_type: 'PAYMENT', amount: 200_000 },
    ]);
    // Published on members.events for the other services, with no points anywhere.
    const published = await probe.waitForEvents((all) =>
      all.some((e) => e.aggregateId === customer.memberId && e.type === 'MemberTierChanged'),
    );
    expect(published.filter((e) => e.aggregateId === customer.memberId).map((e) => e.type)).toEqual([
      'MemberImported',
      'MemberTierChanged',
    ]);
  });

  it('changes nothing when an imported order is delivered again, or imported again under a new event id', async () => {
    const customer = sourceCustomer('C-again');
    const order = importedOrder(customer, { paidDaysAgo: 5, total: 600_000, refunds: [10_000] });
    await publish([order]);
    await waitForMember(customer.memberId, { tier: 'GOLD' });
    const before = { stream: await stream(customer.memberId), spend: await spend(customer.memberId) };

    await publish([order, { ...order, id: uuidv7() }]);
    // A marker on the same partition, after the repeats: once it is applied, so were they.
    const marker = sourceCustomer('C-marker');
    await publish([importedOrder(marker, { paidDaysAgo: 1, total: 100 })]);
    await waitForMember(marker.memberId, { tier: 'SILVER' });

    expect({ stream: await stream(customer.memberId), spend: await spend(customer.memberId) }).toEqual(
      before,
    );
    expect(before.spend).toEqual([
      { entry_type: 'PAYMENT', amount: 600_000 },
      { entry_type: 'REFUND', amount: 10_000 },
    ]);
  });

  it('creates the member of an order never paid at SILVER, with no spend', async () => {
    const customer = sourceCustomer('C-unpaid');
    await publish([importedOrder(customer, { paidDaysAgo: null, total: 900_000 })]);
    const view = await waitForMember(customer.memberId, { tier: 'SILVER' });
    expect(view).toMatchObject({ customerRef: customer.customerRef, points: 0 });
    expect((await stream(customer.memberId)).map(([type]: [string]) => type)).toEqual(['MemberImported']);
    expect(await spend(customer.memberId)).toEqual([]);
  });

  it('gives an imported member no account to log in with, and registration works as before', async () => {
    const customer = sourceCustomer('C-login');
    await publish([importedOrder(customer, { paidDaysAgo: 3, total: 1_000 })]);
    await waitForMember(customer.memberId, { tier: 'SILVER' });
    const dataSource = service.app.get(DataSource);
    const [{ accounts }] = await dataSource.query(
      `SELECT count(*)::int AS accounts FROM member_accounts WHERE member_id = $1`,
      [customer.memberId],
    );
    expect(accounts).toBe(0);
    // No email or password exists for it, so no login can name it: the source id is not an email.
    const attempt = await service.http('/v1/auth/login', {
      body: { email: `${customer.customerRef}@example.com`, password: GOOD_PASSWORD },
    });
    expect(attempt.status).toBe(401);

    const email = uniqueEmail('after-import');
    const registered = await service.http('/v1/members', {
      body: { email, password: GOOD_PASSWORD, displayName: 'Real' },
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ email, customerRef: null });
    const login = await service.http('/v1/auth/login', { body: { email, password: GOOD_PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.member.id).toBe(registered.body.id);
  });

  it('rebuilds member_summaries with the imported members identical to the live table', async () => {
    const dataSource = service.app.get(DataSource);
    const live = await dataSource.query(`SELECT * FROM member_summaries ORDER BY member_id`);
    expect(live.filter((row: { customer_ref: string | null }) => row.customer_ref !== null).length).toBe(5);
    const summaries = service.app.get(MemberProjections).summaries;
    expect(await service.app.get(EventSourcingRuntime).rebuildInlineProjection(summaries)).toBeGreaterThan(0);
    expect(await dataSource.query(`SELECT * FROM member_summaries ORDER BY member_id`)).toEqual(live);
  });
});
