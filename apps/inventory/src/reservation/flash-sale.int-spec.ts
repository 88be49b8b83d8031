import { EventEnvelope, Topics } from '@ecom/contracts';
import { AggregateRepository, foldEvents, PostgresEventStore } from '@ecom/event-sourcing';
import type { KafkaMessageBus } from '@ecom/messaging';
import { REDIS, SERVICES } from '@ecom/platform';
import { startTestService, testMessageBus, TestService, TopicProbe } from '@ecom/testing';
import { randomUUID } from 'crypto';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { StockItemAggregate, StockItemEvent } from '../stock/domain/stock-item.aggregate';
import { AvailabilityCache } from '../stock/read-model/availability-cache';
import { addCatalogSkus } from '../test/catalog-events.fixture';
import { orderPlaced } from '../test/order-events.fixture';
import { publishOrderEvents } from '../test/saga-test-kit';

const UNITS = 100;
const ORDERS = 1_000;
const SKU = 'FLASH-1';

/**
 * A flash sale on one hot SKU: 100 units, 1,000 orders of one unit each published at once to
 * orders.events (keyed by order id, so spread over the partitions, which the consumer handles
 * concurrently). Exactly 100 orders get stock, 900 are rejected, and at no point of the SKU's history
 * is more reserved than on hand.
 */
describe('flash sale on one SKU (1,000 orders for 100 units)', () => {
  let service: TestService;
  let bus: KafkaMessageBus;
  let probe: TopicProbe;
  let operator: string;
  let outcomes: EventEnvelope[];

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.inventory, {
      partitions: 6,
      env: { ORDER_EVENTS_CONCURRENCY: '6' },
    });
    operator = await service.tokens.bearer('op-1', 'operator');
    bus = testMessageBus(service.topicPrefix, 'flash-sale-shoppers');
    probe = await TopicProbe.start(service.topicPrefix, [Topics.inventory]);
    await service.http('/v1/warehouses', {
      method: 'POST',
      token: operator,
      body: { code: 'SH', name: 'Shanghai', region: 'Shanghai' },
    });
    await service.http('/v1/warehouses', {
      method: 'POST',
      token: operator,
      body: { code: 'BJ', name: 'Beijing', region: 'Beijing' },
    });
    await addCatalogSkus(service, bus, [SKU]);
    for (const [warehouse, quantity] of [
      ['SH', 60],
      ['BJ', 40],
    ] as const) {
      const receipt = await service.http('/v1/stock/receipts', {
        method: 'POST',
        token: operator,
        body: { sku: SKU, warehouse, quantity },
      });
      expect(receipt.status).toBe(201);
    }

    const orders = Array.from({ length: ORDERS }, (_, i) =>
      orderPlaced(randomUUID(), [{ sku: SKU, quantity: 1 }], i % 2 ? 'Beijing' : 'Shanghai'),
    );
    // Ten shoppers' worth of concurrent publishes, 100 orders each.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => publishOrderEvents(bus, orders.slice(i * 100, (i + 1) * 100))),
    );
    const isOutcome = (e: EventEnvelope) =>
      e.type === 'StockReserved' || e.type === 'StockReservationRejected';
    await probe.waitForEvents(
      (all) => new Set(all.filter(isOutcome).map((e) => e.aggregateId)).size >= ORDERS,
      {
        timeoutMs: 60_000,
        message: `${ORDERS} reservation outcomes`,
      },
    );
    outcomes = probe.events().filter(isOutcome);
  }, 120_000);

  afterAll(async () => {
    await probe?.stop();
    await bus?.close();
    await service?.close();
  });

  it('spread the orders over every partition of orders.events', async () => {
    const admin = bus.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(bus.naming.physical(Topics.orders));
      expect(offsets).toHaveLength(6);
      expect(offsets.every((p) => Number(p.high) > 50)).toBe(true);
      expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(ORDERS);
    } finally {
      await admin.disconnect();
    }
  });

  it('publishes exactly 100 StockReserved and 900 StockReservationRejected, one per order', () => {
    const byOrder = new Map<string, string[]>();
    for (const e of outcomes) byOrder.set(e.aggregateId, [...(byOrder.get(e.aggregateId) ?? []), e.type]);
    expect(byOrder.size).toBe(ORDERS);
    expect([...byOrder.values()].every((types) => new Set(types).size === 1)).toBe(true);
    const reserved = [...byOrder.values()].filter(([t]) => t === 'StockReserved').length;
    expect(reserved).toBe(UNITS);
    expect(ORDERS - reserved).toBe(900);
    const rejected = outcomes.find((e) => e.type === 'StockReservationRejected')!;
    expect(rejected.data).toMatchObject({ shortLines: [{ sku: SKU, requested: 1, available: 0 }] });
  });

  it('ends with onHand - reserved = 0 in the API, the read model and the availability cache', async () => {
    const stock = await service.http(`/v1/stock/${SKU}`, { token: operator });
    expect(stock.body).toMatchObject({
      onHand: UNITS,
      reserved: UNITS,
      available: 0,
      openReservations: UNITS,
    });
    expect(stock.body.warehouses).toEqual([
      expect.objectContaining({ code: 'BJ', onHand: 40, reserved: 40, available: 0 }),
      expect.objectContaining({ code: 'SH', onHand: 60, reserved: 60, available: 0 }),
    ]);
    const dataSource = service.app.get(DataSource);
    const [item] = await dataSource.query(
      `SELECT on_hand, reserved, available FROM inv_stock_items WHERE sku = $1`,
      [SKU],
    );
    expect(item).toEqual({ on_hand: UNITS, reserved: UNITS, available: 0 });
    const cached = await service.app.get<Redis>(REDIS).get(AvailabilityCache.key(SKU));
    expect(JSON.parse(cached!)).toMatchObject({
      available: 0,
      warehouses: [
        { code: 'BJ', available: 0 },
        { code: 'SH', available: 0 },
      ],
    });
  });

  it('never had more reserved than on hand: folding the StockItem stream from the event store, event by event', async () => {
    const dataSource = service.app.get(DataSource);
    const store = service.app.get(PostgresEventStore);
    const events = await store.readStream(dataSource, 'StockItem', SKU);
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'StockAllocated')).toHaveLength(UNITS);
    let state = StockItemAggregate.initialState;
    for (const event of events) {
      state = foldEvents(StockItemAggregate, [event as unknown as StockItemEvent], state);
      for (const [code, w] of Object.entries(state.warehouses)) {
        if (w.reserved < 0 || w.reserved > w.onHand)
          throw new Error(`after #${event.sequence} ${code}: ${JSON.stringify(w)}`);
      }
      const data = event.data as { levels?: { reserved: number; onHand: number }[] };
      for (const level of data.levels ?? []) expect(level.reserved).toBeLessThanOrEqual(level.onHand);
    }
    expect(state.warehouses.SH).toMatchObject({ onHand: 60, reserved: 60 });
    // The hot stream was snapshotted, and loading from the snapshot gives the same state.
    const snapshot = await store.loadSnapshot(dataSource, 'StockItem', SKU);
    expect(snapshot!.version).toBeGreaterThanOrEqual(100);
    const repository = new AggregateRepository(dataSource, store, StockItemAggregate);
    expect((await repository.load(dataSource, SKU)).state).toEqual(state);
  });

  it('never had more reserved than on hand: folding the SKU events as published on inventory.events', () => {
    const published = probe
      .events()
      .filter((e) => e.aggregateType === 'StockItem' && e.aggregateId === SKU)
      .sort((a, b) => a.sequence - b.sequence);
    const sequences = [...new Set(published.map((e) => e.sequence))];
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    let onHand = 0;
    let reserved = 0;
    for (const event of published) {
      const totals = (event.data as { totals?: { onHand: number; reserved: number } }).totals;
      if (!totals) continue;
      onHand = totals.onHand;
      reserved = totals.reserved;
      expect(reserved).toBeLessThanOrEqual(onHand);
    }
    expect({ onHand, reserved }).toEqual({ onHand: UNITS, reserved: UNITS });
    // Per partition (= per SKU key) the topic keeps the stream's order.
    const partitionsOfSku = new Set(
      probe.messages.filter((m) => m.topic === Topics.inventory && m.key === SKU).map((m) => m.partition),
    );
    expect(partitionsOfSku.size).toBe(1);
  });
});
