import { EventEnvelope, Topics } from '@ecom/contracts';
import type { KafkaMessageBus } from '@ecom/messaging';
import { SERVICES } from '@ecom/platform';
import { startTestService, testMessageBus, TestService, TopicProbe } from '@ecom/testing';
import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { addCatalogSkus } from '../test/catalog-events.fixture';
import { orderCancelled, orderPlaced, orderShipped, returnReceived } from '../test/order-events.fixture';
import { publishOrderEvents, waitForReservationConsumer } from '../test/saga-test-kit';

/** The inventory side of the order saga, driven by order events published to Kafka like orders does. */
describe('order saga: reservations (Kafka -> PostgreSQL -> Kafka)', () => {
  let service: TestService;
  let bus: KafkaMessageBus;
  let probe: TopicProbe;
  let operator: string;
  let dataSource: DataSource;

  /** A set-up call (a warehouse, a receipt) that must succeed: a refusal fails here, not later. */
  const post = async (path: string, body: unknown) => {
    const response = await service.http(path, { method: 'POST', token: operator, body });
    expect({ path, body, status: response.status }).toEqual({ path, body, status: 201 });
    return response;
  };
  const stock = async (sku: string) => (await service.http(`/v1/stock/${sku}`, { token: operator })).body;
  const outcomeOf = (orderId: string, type: string) =>
    probe.waitForEvents(
      (all) =>
        all.some((e) => e.aggregateType === 'Reservation' && e.aggregateId === orderId && e.type === type),
      {
        message: `${type} for ${orderId}`,
      },
    );
  const eventsOf = (orderId: string) =>
    probe.events().filter((e) => (e.data as { orderId?: string }).orderId === orderId);
  const storedReservationEvents = async (orderId: string): Promise<{ type: string; sequence: number }[]> =>
    dataSource.query(
      `SELECT type, sequence FROM es_events WHERE aggregate_type = 'Reservation' AND aggregate_id = $1 ORDER BY sequence`,
      [orderId],
    );

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.inventory);
    operator = await service.tokens.bearer('op-1', 'operator');
    bus = testMessageBus(service.topicPrefix, 'orders-simulator');
    probe = await TopicProbe.start(service.topicPrefix, [Topics.inventory, `${Topics.orders}.dlq`]);
    dataSource = service.app.get(DataSource);
    await post('/v1/warehouses', { code: 'SH', name: 'Shanghai DC', region: 'Shanghai' });
    await post('/v1/warehouses', { code: 'BJ', name: 'Beijing DC', region: 'Beijing' });
    // Stock is received only for SKUs the catalog announced (GHOST stays unknown: never stocked).
    const SKUS = ['TEE', 'CAP', 'MUG', 'PEN', 'BAG', 'MILK', 'SOCK', 'HAT', 'BELT', 'FAN'];
    await addCatalogSkus(service, bus, SKUS);
  });

  afterAll(async () => {
    await probe?.stop();
    await bus?.close();
    await service?.close();
  });

  it('reserves every line of an order, preferring the shipping region, and records one outcome for the order', async () => {
    await post('/v1/stock/receipts', { sku: 'TEE', warehouse: 'SH', quantity: 10 });
    await post('/v1/stock/receipts', { sku: 'TEE', warehouse: 'BJ', quantity: 10 });
    await post('/v1/stock/receipts', { sku: 'CAP', warehouse: 'SH', quantity: 5 });
    const orderId = randomUUID();
    const placed = orderPlaced(
      orderId,
      [
        { sku: 'TEE', quantity: 3 },
        { sku: 'CAP', quantity: 2 },
      ],
      'Beijing',
    );
    await publishOrderEvents(bus, [placed]);
    const events = await outcomeOf(orderId, 'StockReserved');
    const reserved = events.find((e) => e.type === 'StockReserved' && e.aggregateId === orderId)!;
    expect(reserved).toMatchObject({
      source: 'inventory',
      aggregateType: 'Reservation',
      sequence: 1,
      correlationId: placed.correlationId,
      causationId: placed.id,
      data: {
        orderId,
        lines: [
          { sku: 'TEE', warehouse: 'BJ', quantity: 3 },
          { sku: 'CAP', warehouse: 'SH', quantity: 2 },
        ],
      },
    });
    const allocated = eventsOf(orderId).filter((e) => e.type === 'StockAllocated');
    expect(allocated.map((e) => [e.aggregateId, e.causationId])).toEqual(
      expect.arrayContaining([
        ['TEE', placed.id],
        ['CAP', placed.id],
      ]),
    );
    expect(allocated.find((e) => e.aggregateId === 'TEE')!.data).toMatchObject({
      allocations: [{ warehouse: 'BJ', quantity: 3 }],
      levels: [{ warehouse: 'BJ', onHand: 10, reserved: 3, available: 7 }],
      totals: { onHand: 20, reserved: 3, available: 17 },
    });
    expect(await stock('TEE')).toMatchObject({ onHand: 20, reserved: 3, available: 17, openReservations: 1 });
    const reservation = await service.http(`/v1/reservations/${orderId}`, { token: operator });
    expect(reservation.body).toMatchObject({ orderId, status: 'RESERVED' });
    expect((await service.http(`/v1/reservations/${randomUUID()}`, { token: operator })).status).toBe(404);
    expect((await service.http('/metrics')).body).toMatch(
      /inventory_saga_decisions_total\{outcome="reserved"\} [1-9]/,
    );
  });

  it('rejects an order with a short line and reserves none of its lines', async () => {
    await post('/v1/stock/receipts', { sku: 'MUG', warehouse: 'SH', quantity: 4 });
    await post('/v1/stock/receipts', { sku: 'PEN', warehouse: 'SH', quantity: 1 });
    const orderId = randomUUID();
    await publishOrderEvents(bus, [
      orderPlaced(orderId, [
        { sku: 'MUG', quantity: 2 },
        { sku: 'PEN', quantity: 3 },
        { sku: 'GHOST', quantity: 1 },
      ]),
    ]);
    const events = await outcomeOf(orderId, 'StockReservationRejected');
    expect(
      events.find((e) => e.type === 'StockReservationRejected' && e.aggregateId === orderId)!.data,
    ).toEqual({
      orderId,
      shortLines: [
        { sku: 'PEN', requested: 3, available: 1 },
        { sku: 'GHOST', requested: 1, available: 0 },
      ],
    });
    expect(eventsOf(orderId).filter((e) => e.aggregateType === 'StockItem')).toEqual([]);
    expect(await stock('MUG')).toMatchObject({ reserved: 0, available: 4 });
    expect((await service.http(`/v1/reservations/${orderId}`, { token: operator })).body.status).toBe(
      'REJECTED',
    );
  });

  it('releases the reservation of a cancelled order (payment timeout recognised)', async () => {
    await post('/v1/stock/receipts', { sku: 'BAG', warehouse: 'SH', quantity: 5 });
    const orderId = randomUUID();
    const lines = [{ sku: 'BAG', quantity: 2 }];
    await publishOrderEvents(bus, [
      orderPlaced(orderId, lines),
      orderCancelled(orderId, lines, 'system', 'PAYMENT_TIMEOUT'),
    ]);
    const events = await outcomeOf(orderId, 'StockReleased');
    expect(events.find((e) => e.type === 'StockReleased' && e.aggregateId === orderId)!.data).toEqual({
      orderId,
      reason: 'PAYMENT_TIMEOUT',
      lines: [{ sku: 'BAG', warehouse: 'SH', quantity: 2 }],
    });
    expect(eventsOf(orderId).find((e) => e.type === 'StockDeallocated')!.data).toMatchObject({
      sku: 'BAG',
      reason: 'PAYMENT_TIMEOUT',
      allocations: [{ warehouse: 'SH', quantity: 2 }],
      totals: { onHand: 5, reserved: 0, available: 5 },
    });
    expect(await stock('BAG')).toMatchObject({ onHand: 5, reserved: 0, available: 5, openReservations: 0 });
  });

  it('deducts a shipped order first-expiring batch first, and restocks a received return', async () => {
    await post('/v1/stock/receipts', {
      sku: 'MILK',
      warehouse: 'SH',
      quantity: 3,
      batch: 'LATE',
      expiresAt: '2027-09-01T00:00:00Z',
    });
    await post('/v1/stock/receipts', {
      sku: 'MILK',
      warehouse: 'SH',
      quantity: 3,
      batch: 'EARLY',
      expiresAt: '2027-03-01T00:00:00Z',
    });
    const orderId = randomUUID();
    const lines = [{ sku: 'MILK', quantity: 4 }];
    await publishOrderEvents(bus, [orderPlaced(orderId, lines), orderShipped(orderId, lines)]);
    await outcomeOf(orderId, 'StockShipped');
    expect(eventsOf(orderId).find((e) => e.type === 'StockDeducted')!.data).toMatchObject({
      allocations: [
        { warehouse: 'SH', quantity: 3, batch: 'EARLY' },
        { warehouse: 'SH', quantity: 1, batch: 'LATE' },
      ],
      totals: { onHand: 2, reserved: 0, available: 2 },
    });
    expect(eventsOf(orderId).find((e) => e.type === 'StockShipped')!.data).toEqual({
      orderId,
      lines: [
        {
          sku: 'MILK',
          warehouse: 'SH',
          quantity: 4,
          batches: [
            { batch: 'EARLY', quantity: 3 },
            { batch: 'LATE', quantity: 1 },
          ],
        },
      ],
    });
    expect((await stock('MILK')).warehouses[0].batches).toEqual([
      { batch: 'LATE', expiresAt: '2027-09-01T00:00:00.000Z', quantity: 2 },
    ]);

    const returnId = randomUUID();
    await publishOrderEvents(bus, [returnReceived(orderId, returnId, [{ sku: 'MILK', quantity: 1 }])]);
    const events = await outcomeOf(orderId, 'StockReturned');
    expect(events.find((e) => e.type === 'StockReturned' && e.aggregateId === orderId)!.data).toEqual({
      orderId,
      returnId,
      lines: [{ sku: 'MILK', warehouse: 'SH', quantity: 1 }],
    });
    expect(eventsOf(orderId).find((e) => e.type === 'StockRestocked')!.data).toMatchObject({
      sku: 'MILK',
      returnId,
      warehouse: 'SH',
      quantity: 1,
      totals: { onHand: 3 },
    });
    expect((await service.http(`/v1/reservations/${orderId}`, { token: operator })).body).toMatchObject({
      status: 'SHIPPED',
      returned: [{ sku: 'MILK', warehouse: 'SH', quantity: 1 }],
    });
  });

  it('changes nothing when the same OrderPlaced or OrderCancelled envelope is delivered twice', async () => {
    await post('/v1/stock/receipts', { sku: 'SOCK', warehouse: 'SH', quantity: 10 });
    const orderId = randomUUID();
    const lines = [{ sku: 'SOCK', quantity: 2 }];
    const placed = orderPlaced(orderId, lines);
    await publishOrderEvents(bus, [placed]);
    await publishOrderEvents(bus, [placed]);
    await outcomeOf(orderId, 'StockReserved');
    await waitForReservationConsumer(service);
    expect(await storedReservationEvents(orderId)).toEqual([{ type: 'StockReserved', sequence: 1 }]);
    expect(await stock('SOCK')).toMatchObject({ reserved: 2, available: 8 });

    const cancelled = orderCancelled(orderId, lines);
    await publishOrderEvents(bus, [cancelled, cancelled]);
    await outcomeOf(orderId, 'StockReleased');
    await publishOrderEvents(bus, [cancelled]);
    await waitForReservationConsumer(service);
    expect(await storedReservationEvents(orderId)).toEqual([
      { type: 'StockReserved', sequence: 1 },
      { type: 'StockReleased', sequence: 2 },
    ]);
    const skuEvents: { type: string }[] = await dataSource.query(
      `SELECT type FROM es_events WHERE aggregate_type = 'StockItem' AND aggregate_id = 'SOCK' ORDER BY sequence`,
    );
    expect(skuEvents.map((e) => e.type)).toEqual(['StockReceived', 'StockAllocated', 'StockDeallocated']);
    expect(await stock('SOCK')).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
    expect(eventsOf(orderId).filter((e) => e.type === 'StockReleased')).toHaveLength(1);
  });

  it('decides an order placed again under a new event id only once (the reservation is per order)', async () => {
    await post('/v1/stock/receipts', { sku: 'HAT', warehouse: 'SH', quantity: 10 });
    const orderId = randomUUID();
    await publishOrderEvents(bus, [
      orderPlaced(orderId, [{ sku: 'HAT', quantity: 1 }]),
      orderPlaced(orderId, [{ sku: 'HAT', quantity: 1 }]),
    ]);
    await outcomeOf(orderId, 'StockReserved');
    await waitForReservationConsumer(service);
    expect(await storedReservationEvents(orderId)).toEqual([{ type: 'StockReserved', sequence: 1 }]);
    expect(await stock('HAT')).toMatchObject({ reserved: 1 });
  });

  it('sends an impossible event to orders.events.dlq with the reason and goes on with the next ones', async () => {
    await post('/v1/stock/receipts', { sku: 'BELT', warehouse: 'SH', quantity: 5 });
    const orderId = randomUUID();
    const lines = [{ sku: 'BELT', quantity: 1 }];
    const tooMany = returnReceived(orderId, randomUUID(), [{ sku: 'BELT', quantity: 2 }]);
    const next = randomUUID();
    await publishOrderEvents(bus, [orderPlaced(orderId, lines), orderShipped(orderId, lines), tooMany]);
    await publishOrderEvents(bus, [orderPlaced(next, lines)]);
    await outcomeOf(next, 'StockReserved');
    const dead = await waitForDeadLetter(tooMany);
    expect(dead.headers['dlq-error']).toMatch(
      /brings back 2 units of BELT, more than shipped and not yet returned \(1\)/,
    );
    expect(dead.headers['dlq-consumer']).toBe('inventory.order-reservations');
    expect(await stock('BELT')).toMatchObject({ onHand: 4, reserved: 1 });
    expect(eventsOf(orderId).filter((e) => e.type === 'StockReturned')).toEqual([]);
  });

  it('prefers the shipping region of a warehouse created after the saga read the regions', async () => {
    await post('/v1/warehouses', { code: 'GZ', name: 'Guangzhou DC', region: 'Guangdong' });
    await post('/v1/stock/receipts', { sku: 'FAN', warehouse: 'SH', quantity: 8 });
    await post('/v1/stock/receipts', { sku: 'FAN', warehouse: 'GZ', quantity: 5 });
    const orderId = randomUUID();
    await publishOrderEvents(bus, [orderPlaced(orderId, [{ sku: 'FAN', quantity: 2 }], 'Guangdong')]);
    const events = await outcomeOf(orderId, 'StockReserved');
    expect(events.find((e) => e.type === 'StockReserved' && e.aggregateId === orderId)!.data).toEqual({
      orderId,
      lines: [{ sku: 'FAN', warehouse: 'GZ', quantity: 2 }],
    });
  });

  async function waitForDeadLetter(envelope: EventEnvelope) {
    await probe.waitForEvents(
      () =>
        probe.messages.some(
          (m) => m.topic === `${Topics.orders}.dlq` && m.value?.toString().includes(envelope.id),
        ),
      {
        message: 'the dead letter',
      },
    );
    return probe.messages.find(
      (m) => m.topic === `${Topics.orders}.dlq` && m.value?.toString().includes(envelope.id),
    )!;
  }
});
