import { EventEnvelope, importedMemberId, importedOrderId, Topics } from '@ecom/contracts';
import { EventSourcingRuntime, SERVICES } from '@ecom/platform';
import { startTestService, TestService, TopicProbe } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../app.module';
import { OrderSummaryProjection } from '../read-model/order-summary.projection';

/** Up to this many lines and bytes per request here, so the 413s are cheap to reach. */
const MAX_LINES = 40;
const MAX_BYTES = 32 * 1024;

const paidWithRefund = {
  sourceOrderId: 'SHOP-9001',
  customerRef: 'cust-alpha',
  placedAt: '2024-03-01T10:00:00+08:00',
  paidAt: '2024-03-01T10:02:00+08:00',
  channel: 'web',
  items: [
    { sku: 'TEE-RED-M', quantity: 2, price: 1999 },
    { sku: 'CAP', quantity: 1, price: 500 },
  ],
  refunds: [{ amount: 500, at: '2024-03-06T09:00:00Z', reason: 'cap returned' }],
};
const unpaid = {
  sourceOrderId: 'SHOP-9002',
  customerRef: 'cust-alpha',
  placedAt: '2024-04-10T08:00:00Z',
  items: [{ sku: 'MUG', quantity: 1, price: 800 }],
};
const paidUsd = {
  sourceOrderId: 'SHOP-9003',
  customerRef: 'cust-beta',
  placedAt: '2023-12-24T20:00:00-05:00',
  paidAt: '2023-12-24T20:01:00-05:00',
  currency: 'USD',
  items: [{ sku: 'SCARF', quantity: 1, price: 2500 }],
};

/** The body of the first test: good lines, malformed lines and a repeated sourceOrderId. */
const mixedBody = [
  JSON.stringify(paidWithRefund), // 1
  '{"sourceOrderId": "SHOP-BROKEN", ', // 2: not JSON
  JSON.stringify(unpaid), // 3
  '', // 4: blank, skipped
  JSON.stringify({ ...paidUsd, coupon: 'XMAS' }), // 5: unknown field
  JSON.stringify({ ...paidUsd, placedAt: '2023-12-24 20:00' }), // 6: not ISO-8601 with a zone
  JSON.stringify(paidUsd), // 7
  JSON.stringify({ ...paidWithRefund, customerRef: 'someone-else' }), // 8: repeats line 1's order
  '{"sourceOrderId":"SHOP-\\u0000","customerRef":"c","placedAt":"2024-01-01T00:00:00Z","items":[]}', // 9
  JSON.stringify({
    ...unpaid,
    sourceOrderId: 'SHOP-9004',
    refunds: [{ amount: 1, at: '2024-04-11T00:00:00Z' }],
  }), // 10
].join('\n');

const expectedRejections = [
  { line: 2, field: null, reason: expect.stringMatching(/^not valid JSON/) },
  { line: 5, field: 'coupon', reason: 'unknown field' },
  { line: 6, field: 'placedAt', reason: expect.stringMatching(/ISO-8601 date-time with a time zone/) },
  { line: 9, field: 'sourceOrderId', reason: expect.stringMatching(/NUL/) },
  { line: 10, field: 'refunds', reason: expect.stringMatching(/only a paid order/) },
];

describe('order-history import (POST /v1/imports/orders)', () => {
  let service: TestService;
  let probe: TopicProbe;
  let operator: string;
  let admin: string;
  let customer: string;

  const post = async (body: string | Buffer, token?: string, contentType = 'application/x-ndjson') => {
    const response = await fetch(`${service.baseUrl}/v1/imports/orders`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(token ? { authorization: token } : {}) },
      body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.orders, {
      env: { IMPORT_MAX_LINES: String(MAX_LINES), IMPORT_MAX_BODY_BYTES: String(MAX_BYTES) },
    });
    probe = await TopicProbe.start(service.topicPrefix, [Topics.orders]);
    operator = await service.tokens.bearer('staff-import', 'operator');
    admin = await service.tokens.bearer('root', 'admin');
    customer = await service.tokens.bearer('member-zoe');
  });

  afterAll(async () => {
    await probe?.stop();
    await service?.close();
  });

  it('imports the good lines once and reports the others with line numbers, fields and reasons', async () => {
    const first = await post(mixedBody, operator);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ imported: 3, skipped: 1, rejected: expectedRejections });

    // The same body again imports nothing new: every good line is skipped, the bad ones said again.
    const again = await post(mixedBody, admin);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ imported: 0, skipped: 4, rejected: expectedRejections });

    const count: { n: number }[] = await service.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM es_events WHERE type = 'OrderImported'`);
    expect(count[0].n).toBe(3);
  });

  it('shows an imported order with its original dates, payment, refunds and source', async () => {
    const id = importedOrderId('SHOP-9001');
    const memberId = importedMemberId('cust-alpha');
    const order = await service.http(`/v1/orders/${id}`, { token: operator });
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({
      id,
      memberId,
      visitorId: memberId,
      channel: 'web',
      status: 'COMPLETED',
      items: [
        { sku: 'TEE-RED-M', quantity: 2, unitPrice: 1999, lineTotal: 3998 },
        { sku: 'CAP', quantity: 1, unitPrice: 500, lineTotal: 500 },
      ],
      total: 4498,
      currency: 'CNY',
      payment: {
        paymentId: 'import:SHOP-9001',
        amount: 4498,
        method: 'imported',
        at: '2024-03-01T02:02:00.000Z',
      },
      refunded: 500,
      history: [
        { status: 'PENDING', at: '2024-03-01T02:00:00.000Z' },
        { status: 'PAID', at: '2024-03-01T02:02:00.000Z' },
        { status: 'COMPLETED', at: '2024-03-06T09:00:00.000Z' },
      ],
      imported: {
        sourceOrderId: 'SHOP-9001',
        customerRef: 'cust-alpha',
        refunds: [{ amount: 500, at: '2024-03-06T09:00:00.000Z', reason: 'cap returned' }],
      },
      returns: [],
      createdAt: '2024-03-01T02:00:00.000Z',
      updatedAt: '2024-03-06T09:00:00.000Z',
    });

    // The member sees their imported orders, newest first by their own dates, with cursor paging.
    const member = await service.tokens.bearer(memberId);
    const page1 = await service.http('/v1/orders?limit=1', { token: member });
    expect(page1.body.items).toMatchObject([
      {
        id: importedOrderId('SHOP-9002'),
        status: 'CANCELLED',
        payment: null,
        createdAt: '2024-04-10T08:00:00.000Z',
      },
    ]);
    const page2 = await service.http(`/v1/orders?limit=1&cursor=${page1.body.nextCursor}`, { token: member });
    expect(page2.body).toMatchObject({ items: [{ id }], nextCursor: null });
    // Another member does not see them.
    expect((await service.http(`/v1/orders/${id}`, { token: customer })).status).toBe(404);
  });

  it('publishes OrderImported with occurredAt = placedAt, and no event for a skipped or rejected line', async () => {
    const events = await probe.waitForEvents(
      (all) => all.filter((e) => e.type === 'OrderImported').length >= 3,
    );
    const imported = events.filter((e) => e.type === 'OrderImported') as EventEnvelope<{
      sourceOrderId: string;
      placedAt: string;
      status: string;
      memberId: string;
    }>[];
    expect(imported.map((e) => e.data.sourceOrderId).sort()).toEqual(['SHOP-9001', 'SHOP-9002', 'SHOP-9003']);
    for (const event of imported) {
      expect(event.occurredAt).toBe(event.data.placedAt);
      expect(event).toMatchObject({ source: 'orders', aggregateType: 'Order', sequence: 1 });
    }
    expect(imported.find((e) => e.data.sourceOrderId === 'SHOP-9003')).toMatchObject({
      aggregateId: importedOrderId('SHOP-9003'),
      occurredAt: '2023-12-25T01:00:00.000Z',
      data: {
        status: 'COMPLETED',
        memberId: importedMemberId('cust-beta'),
        currency: 'USD',
        paidAt: '2023-12-25T01:01:00.000Z',
      },
    });
  });

  it('answers 409 to every command on an imported order, as for any order in that state', async () => {
    const completed = importedOrderId('SHOP-9001');
    const cancelled = importedOrderId('SHOP-9002');
    const member = await service.tokens.bearer(importedMemberId('cust-alpha'));
    const attempts = [
      service.http(`/v1/orders/${completed}/cancel`, { token: member, body: {} }),
      service.http(`/v1/orders/${cancelled}/payments`, {
        token: member,
        body: { amount: 800, method: 'card' },
      }),
      service.http(`/v1/orders/${completed}/shipments`, {
        token: operator,
        body: { carrier: 'SF', trackingNo: 'SF1' },
      }),
      service.http(`/v1/orders/${completed}/confirm-receipt`, { token: member, body: {} }),
      service.http(`/v1/orders/${completed}/returns`, {
        token: member,
        body: { items: [{ sku: 'CAP', quantity: 1 }], reason: 'QUALITY' },
      }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(409);
      expect(response.body.message).toMatch(/Order is (COMPLETED|CANCELLED): cannot/);
    }
  });

  it('refuses anonymous callers (401) and customers (403) before reading the body; admins may import', async () => {
    const line = JSON.stringify({ ...unpaid, sourceOrderId: 'SHOP-AUTH' });
    expect((await post(line)).status).toBe(401);
    expect((await post(line, 'Bearer not-a-token')).status).toBe(401);
    const refused = await post(line, customer);
    expect(refused).toMatchObject({ status: 403, body: { message: 'requires role operator' } });
    expect((await post(line, admin)).body).toEqual({ imported: 1, skipped: 0, rejected: [] });
  });

  it('answers 413 above the line or byte limit, saying to split the file or use the CLI', async () => {
    const lines = Array.from({ length: MAX_LINES + 1 }, (_, i) =>
      JSON.stringify({ ...unpaid, sourceOrderId: `SHOP-MANY-${i}` }),
    ).join('\n');
    const tooMany = await post(lines, operator);
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.message).toMatch(/more than 40 lines.*Split the file.*npm run import -- FILE/);
    const tooBig = await post(`${JSON.stringify(unpaid)}\n${' '.repeat(MAX_BYTES)}`, operator);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.message).toMatch(/bytes/);
    // Nothing of a refused body was imported.
    expect(
      (await service.http(`/v1/orders/${importedOrderId('SHOP-MANY-0')}`, { token: operator })).status,
    ).toBe(404);
    // Exactly the limit is fine.
    const atLimit = await post(lines.split('\n').slice(0, MAX_LINES).join('\n'), operator);
    expect(atLimit.body).toMatchObject({ imported: MAX_LINES, rejected: [] });
  });

  it('takes JSON lines on the import route only: 415 for JSON there, 415 for JSON lines elsewhere, 400 empty', async () => {
    const asJson = await post(JSON.stringify(unpaid), operator, 'application/json');
    expect(asJson.status).toBe(415);
    expect(asJson.body.message).toMatch(/application\/x-ndjson/);
    const elsewhere = await fetch(`${service.baseUrl}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: operator },
      body: JSON.stringify(unpaid),
    });
    expect(elsewhere.status).toBe(415);
    expect((await post('', operator)).status).toBe(400);
  });

  it('documents the route in OpenAPI: JSON lines of ImportOrderLine in, ImportOrdersResponse out', async () => {
    const docs = (await service.http('/docs-json')).body;
    const operation = docs.paths['/v1/imports/orders'].post;
    expect(operation.requestBody.content['application/x-ndjson'].schema).toEqual({
      $ref: '#/components/schemas/ImportOrderLine',
    });
    expect(operation.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ImportOrdersResponse',
    });
    expect(Object.keys(operation.responses)).toEqual(
      expect.arrayContaining(['400', '401', '403', '413', '415']),
    );
    const line = docs.components.schemas.ImportOrderLine;
    expect(line.required).toEqual(['sourceOrderId', 'customerRef', 'placedAt', 'items']);
    expect(line.properties.items.items).toEqual({ $ref: '#/components/schemas/ImportOrderItemLine' });
    expect(docs.components.schemas.ImportRejectionView.properties.field).toMatchObject({ nullable: true });
  });

  it('rebuilds the order read model, imported orders included, identically', async () => {
    const dataSource = service.app.get(DataSource);
    const snapshot = () => dataSource.query(`SELECT * FROM orders_view ORDER BY order_id`);
    const live = await snapshot();
    expect(live.filter((row: { imported: unknown }) => row.imported !== null).length).toBeGreaterThan(40);
    await service.app.get(EventSourcingRuntime).rebuildInlineProjection(new OrderSummaryProjection());
    expect(await snapshot()).toEqual(live);
  });
});
