import { Topics } from '@ecom/contracts';
import { EventSourcingRuntime, REDIS, SERVICES } from '@ecom/platform';
import { grpcTestClient, startTestService, testMessageBus, TestService, TopicProbe } from '@ecom/testing';
import * as grpc from '@grpc/grpc-js';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { addCatalogSkus } from '../test/catalog-events.fixture';
import { WarehousesProjection } from '../warehouse/read-model/warehouses.projection';
import { AvailabilityCache } from './read-model/availability-cache';
import { StockLevelsProjection } from './read-model/stock-levels.projection';

interface AvailabilityReply {
  items: {
    sku: string;
    available: number;
    inStock: boolean;
    warehouses: { code: string; available: number }[];
  }[];
}

/** The SKUs this suite stocks: the catalog announces them first (SkuAdded), as stock needs it to. */
const CATALOG_SKUS = [
  'REC-1',
  'REC-2',
  'REC-3',
  'REC-NEW',
  'ADJ-1',
  'ADJ-2',
  'TRF-1',
  'TRF-2',
  'GET-1',
  'AV-1',
  'AV-NONE',
  'AV-CAS',
];

describe('inventory stock and warehouses (HTTP, gRPC, PostgreSQL, Kafka, Redis)', () => {
  let service: TestService;
  let operator: string;
  let customer: string;
  let probe: TopicProbe;
  let grpcClient: grpc.Client & {
    GetAvailability(
      request: unknown,
      callback: (error: grpc.ServiceError | null, reply: AvailabilityReply) => void,
    ): void;
  };

  const getAvailability = (skus: string[]) =>
    new Promise<AvailabilityReply>((resolve, reject) =>
      grpcClient.GetAvailability({ skus }, (error, reply) => (error ? reject(error) : resolve(reply))),
    );
  const post = (path: string, body: unknown, token = operator) =>
    service.http(path, { method: 'POST', token, body });

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.inventory);
    operator = await service.tokens.bearer('op-1', 'operator');
    customer = await service.tokens.bearer('cust-1', 'customer');
    probe = await TopicProbe.start(service.topicPrefix, [Topics.inventory]);
    grpcClient = grpcTestClient<typeof grpcClient>('inventory', 'InventoryService', service.grpcAddress!, {
      keepCase: false,
      longs: Number,
      defaults: true,
    });
    for (const [code, name, region] of [
      ['SH-01', 'Shanghai DC', 'Shanghai'],
      ['BJ-01', 'Beijing DC', 'Beijing'],
    ]) {
      expect((await post('/v1/warehouses', { code, name, region })).status).toBe(201);
    }
    const catalog = testMessageBus(service.topicPrefix, 'catalog-simulator');
    try {
      await addCatalogSkus(service, catalog, CATALOG_SKUS);
    } finally {
      await catalog.close();
    }
  });

  afterAll(async () => {
    grpcClient?.close();
    await probe?.stop();
    await service?.close();
  });

  describe('warehouses', () => {
    it('creates a warehouse and lists and finds it; a second one with the code is 409', async () => {
      const created = await post('/v1/warehouses', { code: 'GZ-01', name: 'Guangzhou DC' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ code: 'GZ-01', name: 'Guangzhou DC', region: null });
      expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
      const again = await post('/v1/warehouses', { code: 'GZ-01', name: 'Other' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({
        statusCode: 409,
        error: 'Conflict',
        message: 'warehouse GZ-01 already exists',
      });
      const list = await service.http('/v1/warehouses', { token: operator });
      expect(list.status).toBe(200);
      expect(list.body.map((w: { code: string }) => w.code)).toEqual(['BJ-01', 'GZ-01', 'SH-01']);
      expect((await service.http('/v1/warehouses/SH-01', { token: operator })).body).toMatchObject({
        region: 'Shanghai',
      });
      expect((await service.http('/v1/warehouses/NOPE', { token: operator })).status).toBe(404);
    });

    it('refuses customers (403), anonymous callers (401), unknown fields and bad codes (400)', async () => {
      expect((await post('/v1/warehouses', { code: 'X-1', name: 'x' }, customer)).status).toBe(403);
      expect((await service.http('/v1/warehouses', { token: customer })).status).toBe(403);
      expect(
        (await service.http('/v1/warehouses', { method: 'POST', body: { code: 'X-1', name: 'x' } })).status,
      ).toBe(401);
      const unknown = await post('/v1/warehouses', { code: 'X-1', name: 'x', capacity: 10 });
      expect(unknown.status).toBe(400);
      expect(JSON.stringify(unknown.body.message)).toContain('capacity');
      expect((await post('/v1/warehouses', { code: 'has space', name: 'x' })).status).toBe(400);
    });
  });

  describe('receipts', () => {
    it('receives stock with a batch and expiry, and answers with the SKU stock after it', async () => {
      const response = await post('/v1/stock/receipts', {
        sku: 'REC-1',
        warehouse: 'SH-01',
        quantity: 30,
        batch: 'LOT-A',
        expiresAt: '2027-03-01T00:00:00+08:00',
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        sku: 'REC-1',
        onHand: 30,
        reserved: 0,
        available: 30,
        safetyStock: 0,
        leadTimeDays: null,
        openReservations: 0,
        warehouses: [
          {
            code: 'SH-01',
            onHand: 30,
            reserved: 0,
            available: 30,
            batches: [{ batch: 'LOT-A', expiresAt: '2027-02-28T16:00:00.000Z', quantity: 30 }],
          },
        ],
      });
      const events = await probe.waitForEvents((all) =>
        all.some((e) => e.type === 'StockReceived' && e.aggregateId === 'REC-1'),
      );
      const received = events.find((e) => e.type === 'StockReceived' && e.aggregateId === 'REC-1')!;
      expect(received).toMatchObject({
        source: 'inventory',
        aggregateType: 'StockItem',
        sequence: 1,
        data: {
          sku: 'REC-1',
          warehouse: 'SH-01',
          quantity: 30,
          batch: 'LOT-A',
          levels: [{ warehouse: 'SH-01', onHand: 30, reserved: 0, available: 30 }],
          totals: { onHand: 30, reserved: 0, available: 30 },
        },
      });
    });

    it('refuses a negative quantity (400), an unknown warehouse (404), a customer (403), unknown fields (400)', async () => {
      const negative = await post('/v1/stock/receipts', { sku: 'REC-2', warehouse: 'SH-01', quantity: -5 });
      expect(negative.status).toBe(400);
      expect(negative.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(JSON.stringify(negative.body.message)).toContain('quantity');
      expect(
        (await post('/v1/stock/receipts', { sku: 'REC-2', warehouse: 'SH-01', quantity: 0 })).status,
      ).toBe(400);
      expect(
        (await post('/v1/stock/receipts', { sku: 'REC-2', warehouse: 'SH-01', quantity: 1.5 })).status,
      ).toBe(400);
      const unknownWarehouse = await post('/v1/stock/receipts', {
        sku: 'REC-2',
        warehouse: 'NOWHERE',
        quantity: 5,
      });
      expect(unknownWarehouse.status).toBe(404);
      expect(unknownWarehouse.body.message).toBe('warehouse NOWHERE not found');
      expect(
        (await post('/v1/stock/receipts', { sku: 'REC-2', warehouse: 'SH-01', quantity: 5 }, customer))
          .status,
      ).toBe(403);
      expect(
        (await post('/v1/stock/receipts', { sku: 'REC-2', warehouse: 'SH-01', quantity: 5, price: 1 }))
          .status,
      ).toBe(400);
      const expiryWithoutBatch = await post('/v1/stock/receipts', {
        sku: 'REC-2',
        warehouse: 'SH-01',
        quantity: 5,
        expiresAt: '2027-01-01T00:00:00Z',
      });
      expect(expiryWithoutBatch.status).toBe(400);
      expect(expiryWithoutBatch.body.message).toBe('expiresAt needs a batch');
      expect((await service.http('/v1/stock/REC-2', { token: operator })).body).toMatchObject({
        onHand: 0,
        warehouses: [],
      });
    });

    it('counts every unit when the first receipts of a new SKU arrive at once', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          post('/v1/stock/receipts', { sku: 'REC-NEW', warehouse: i % 2 ? 'SH-01' : 'BJ-01', quantity: 1 }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
      expect((await service.http('/v1/stock/REC-NEW', { token: operator })).body).toMatchObject({
        onHand: 10,
        available: 10,
      });
    });

    it('refuses a second expiry date for a known batch (422)', async () => {
      const base = { sku: 'REC-3', warehouse: 'SH-01', quantity: 1, batch: 'LOT-X' };
      expect((await post('/v1/stock/receipts', { ...base, expiresAt: '2027-01-01T00:00:00Z' })).status).toBe(
        201,
      );
      const mismatch = await post('/v1/stock/receipts', {
        ...base,
        warehouse: 'BJ-01',
        expiresAt: '2028-01-01T00:00:00Z',
      });
      expect(mismatch.status).toBe(422);
      expect(mismatch.body.error).toBe('Unprocessable Entity');
    });
  });

  describe('adjustments', () => {
    it('adjusts on-hand stock with a reason and never below zero (422)', async () => {
      await post('/v1/stock/receipts', { sku: 'ADJ-1', warehouse: 'SH-01', quantity: 10 });
      const down = await post('/v1/stock/adjustments', {
        sku: 'ADJ-1',
        warehouse: 'SH-01',
        delta: -3,
        reason: 'damaged',
      });
      expect(down.status).toBe(201);
      expect(down.body).toMatchObject({ onHand: 7, available: 7 });
      const belowZero = await post('/v1/stock/adjustments', {
        sku: 'ADJ-1',
        warehouse: 'SH-01',
        delta: -8,
        reason: 'lost',
      });
      expect(belowZero.status).toBe(422);
      expect(belowZero.body.message).toMatch(/below zero/);
      const events = await probe.waitForEvents((all) =>
        all.some((e) => e.type === 'StockAdjusted' && e.aggregateId === 'ADJ-1'),
      );
      expect(events.find((e) => e.type === 'StockAdjusted')!.data).toMatchObject({
        delta: -3,
        reason: 'damaged',
        batch: null,
        batches: [{ batch: null, quantity: 3 }],
      });
    });

    it('says which batches a write-off without a batch took: first-expiring first', async () => {
      const receipt = (batch: string, expiresAt: string, quantity: number) =>
        post('/v1/stock/receipts', { sku: 'ADJ-2', warehouse: 'SH-01', quantity, batch, expiresAt });
      await receipt('LATE', '2027-09-01T00:00:00Z', 5);
      await receipt('EARLY', '2027-03-01T00:00:00Z', 2);
      const writeOff = await post('/v1/stock/adjustments', {
        sku: 'ADJ-2',
        warehouse: 'SH-01',
        delta: -3,
        reason: 'expired',
      });
      expect(writeOff.status).toBe(201);
      const events = await probe.waitForEvents((all) =>
        all.some((e) => e.type === 'StockAdjusted' && e.aggregateId === 'ADJ-2'),
      );
      expect(events.find((e) => e.type === 'StockAdjusted' && e.aggregateId === 'ADJ-2')!.data).toMatchObject(
        {
          delta: -3,
          batch: null,
          batches: [
            { batch: 'EARLY', quantity: 2 },
            { batch: 'LATE', quantity: 1 },
          ],
        },
      );
      // The stock the API answers with is the same the event describes.
      expect(writeOff.body.warehouses[0].batches).toEqual([
        { batch: 'LATE', expiresAt: '2027-09-01T00:00:00.000Z', quantity: 4 },
      ]);
    });

    it('refuses a zero delta or a missing reason (400), an unknown warehouse (404), a customer (403)', async () => {
      expect(
        (await post('/v1/stock/adjustments', { sku: 'ADJ-1', warehouse: 'SH-01', delta: 0, reason: 'x' }))
          .status,
      ).toBe(400);
      expect(
        (await post('/v1/stock/adjustments', { sku: 'ADJ-1', warehouse: 'SH-01', delta: 2 })).status,
      ).toBe(400);
      expect(
        (await post('/v1/stock/adjustments', { sku: 'ADJ-1', warehouse: 'NOPE', delta: 2, reason: 'x' }))
          .status,
      ).toBe(404);
      expect(
        (
          await post(
            '/v1/stock/adjustments',
            { sku: 'ADJ-1', warehouse: 'SH-01', delta: 2, reason: 'x' },
            customer,
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await post('/v1/stock/adjustments', {
            sku: 'ADJ-1',
            warehouse: 'SH-01',
            delta: 2,
            reason: 'x',
            note: 'y',
          })
        ).status,
      ).toBe(400);
    });
  });

  describe('transfers', () => {
    it('moves stock between warehouses in one event and refuses more than available (422)', async () => {
      await post('/v1/stock/receipts', { sku: 'TRF-1', warehouse: 'SH-01', quantity: 10 });
      const moved = await post('/v1/stock/transfers', {
        sku: 'TRF-1',
        from: 'SH-01',
        to: 'BJ-01',
        quantity: 4,
      });
      expect(moved.status).toBe(201);
      expect(moved.body).toMatchObject({
        onHand: 10,
        warehouses: [
          { code: 'BJ-01', onHand: 4, available: 4 },
          { code: 'SH-01', onHand: 6, available: 6 },
        ],
      });
      const tooMany = await post('/v1/stock/transfers', {
        sku: 'TRF-1',
        from: 'SH-01',
        to: 'BJ-01',
        quantity: 7,
      });
      expect(tooMany.status).toBe(422);
      expect(tooMany.body.message).toBe('cannot transfer 7 units of TRF-1 from SH-01: only 6 available');
      const events = await probe.waitForEvents((all) =>
        all.some((e) => e.type === 'StockTransferred' && e.aggregateId === 'TRF-1'),
      );
      expect(events.filter((e) => e.type === 'StockTransferred')).toHaveLength(1);
      expect(events.find((e) => e.type === 'StockTransferred')!.data).toMatchObject({
        from: 'SH-01',
        to: 'BJ-01',
        quantity: 4,
        batches: [{ batch: null, quantity: 4 }],
        totals: { onHand: 10 },
      });
    });

    it('refuses an unknown warehouse (404), the same warehouse twice (400), a customer (403)', async () => {
      expect(
        (await post('/v1/stock/transfers', { sku: 'TRF-1', from: 'SH-01', to: 'NOPE', quantity: 1 })).status,
      ).toBe(404);
      expect(
        (await post('/v1/stock/transfers', { sku: 'TRF-1', from: 'NOPE', to: 'SH-01', quantity: 1 })).status,
      ).toBe(404);
      expect(
        (await post('/v1/stock/transfers', { sku: 'TRF-1', from: 'SH-01', to: 'SH-01', quantity: 1 })).status,
      ).toBe(400);
      expect(
        (await post('/v1/stock/transfers', { sku: 'TRF-1', from: 'SH-01', to: 'BJ-01', quantity: -1 }))
          .status,
      ).toBe(400);
      expect(
        (
          await post(
            '/v1/stock/transfers',
            { sku: 'TRF-1', from: 'SH-01', to: 'BJ-01', quantity: 1 },
            customer,
          )
        ).status,
      ).toBe(403);
    });

    it('keeps the stock in exactly one place under concurrent transfers back and forth', async () => {
      await post('/v1/stock/receipts', { sku: 'TRF-2', warehouse: 'SH-01', quantity: 20 });
      await post('/v1/stock/receipts', { sku: 'TRF-2', warehouse: 'BJ-01', quantity: 20 });
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          post('/v1/stock/transfers', {
            sku: 'TRF-2',
            from: i % 2 ? 'SH-01' : 'BJ-01',
            to: i % 2 ? 'BJ-01' : 'SH-01',
            quantity: 3,
          }),
        ),
      );
      expect(results.map((r) => [r.status, r.body.message]).filter(([s]) => s !== 201 && s !== 422)).toEqual(
        [],
      );
      const stock = await service.http('/v1/stock/TRF-2', { token: operator });
      expect(stock.body.onHand).toBe(40);
      const toBeijing = results.filter((r, i) => r.status === 201 && i % 2 === 1).length;
      const toShanghai = results.filter((r, i) => r.status === 201 && i % 2 === 0).length;
      expect(toBeijing + toShanghai).toBeGreaterThan(0);
      expect(stock.body.warehouses).toEqual([
        expect.objectContaining({ code: 'BJ-01', onHand: 20 + 3 * (toBeijing - toShanghai) }),
        expect.objectContaining({ code: 'SH-01', onHand: 20 + 3 * (toShanghai - toBeijing) }),
      ]);
      const events = await probe.waitForEvents(
        (all) =>
          all.filter((e) => e.type === 'StockTransferred' && e.aggregateId === 'TRF-2').length ===
          toBeijing + toShanghai,
      );
      const sequences = events
        .filter((e) => e.aggregateId === 'TRF-2')
        .map((e) => e.sequence)
        .sort((a, b) => a - b);
      expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    });
  });

  describe('SKUs the catalog never announced', () => {
    const UNKNOWN = 'NEVER-ANNOUNCED';
    const movements: [route: string, body: Record<string, unknown>][] = [
      ['/v1/stock/receipts', { sku: UNKNOWN, warehouse: 'SH-01', quantity: 5 }],
      ['/v1/stock/adjustments', { sku: UNKNOWN, warehouse: 'SH-01', delta: 5, reason: 'found' }],
      ['/v1/stock/transfers', { sku: UNKNOWN, from: 'SH-01', to: 'BJ-01', quantity: 1 }],
    ];

    it.each(movements)('%s answers 404 as the policy route does and appends nothing', async (route, body) => {
      const refused = await post(route, body);
      expect(refused.status).toBe(404);
      const policy = await service.http(`/v1/stock/${UNKNOWN}/policy`, {
        method: 'PUT',
        token: operator,
        body: { safetyStock: 1 },
      });
      expect(refused.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: `sku ${UNKNOWN} is not in the catalog`,
        code: 'SKU_NOT_FOUND',
      });
      expect(refused.body).toEqual(policy.body);
      const dataSource = service.app.get(DataSource);
      expect(await dataSource.query(`SELECT type FROM es_events WHERE aggregate_id = $1`, [UNKNOWN])).toEqual(
        [],
      );
      expect(await dataSource.query(`SELECT sku FROM inv_stock_levels WHERE sku = $1`, [UNKNOWN])).toEqual(
        [],
      );
    });
  });

  describe('policy and stock queries', () => {
    it('sets the policy with PUT and shows it on GET; refuses negative values (400) and customers (403)', async () => {
      const catalog = testMessageBus(service.topicPrefix, 'catalog-simulator');
      try {
        await addCatalogSkus(service, catalog, ['POL-1']);
      } finally {
        await catalog.close();
      }
      const put = await service.http('/v1/stock/POL-1/policy', {
        method: 'PUT',
        token: operator,
        body: { safetyStock: 12, leadTimeDays: 5 },
      });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ sku: 'POL-1', safetyStock: 12, leadTimeDays: 5, onHand: 0 });
      const get = await service.http('/v1/stock/POL-1', { token: operator });
      expect(get.body).toMatchObject({ safetyStock: 12, leadTimeDays: 5 });
      expect(
        (
          await service.http('/v1/stock/POL-1/policy', {
            method: 'PUT',
            token: operator,
            body: { safetyStock: -1 },
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await service.http('/v1/stock/POL-1/policy', {
            method: 'PUT',
            token: operator,
            body: { safetyStock: 1, extra: 1 },
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await service.http('/v1/stock/POL-1/policy', {
            method: 'PUT',
            token: customer,
            body: { safetyStock: 1 },
          })
        ).status,
      ).toBe(403);
      expect((await service.http('/v1/stock/POL-1', { token: customer })).status).toBe(403);
      const events = await probe.waitForEvents((all) => all.some((e) => e.type === 'StockPolicyChanged'));
      expect(events.find((e) => e.type === 'StockPolicyChanged')!.data).toEqual({
        sku: 'POL-1',
        safetyStock: 12,
        leadTimeDays: 5,
      });
    });

    it('answers GET /v1/stock/:sku with totals and per-warehouse levels', async () => {
      await post('/v1/stock/receipts', { sku: 'GET-1', warehouse: 'SH-01', quantity: 5 });
      await post('/v1/stock/receipts', { sku: 'GET-1', warehouse: 'BJ-01', quantity: 7 });
      const response = await service.http('/v1/stock/GET-1', { token: operator });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        sku: 'GET-1',
        onHand: 12,
        reserved: 0,
        available: 12,
        safetyStock: 0,
        warehouses: [
          { code: 'BJ-01', onHand: 7, reserved: 0, available: 7 },
          { code: 'SH-01', onHand: 5, reserved: 0, available: 5 },
        ],
      });
    });
  });

  describe('gRPC GetAvailability (public, cached in Redis)', () => {
    it('serves availability per SKU and warehouse, and the cache follows every change', async () => {
      await post('/v1/stock/receipts', { sku: 'AV-1', warehouse: 'SH-01', quantity: 8 });
      const first = await getAvailability(['AV-1', 'AV-NONE']);
      expect(first.items).toEqual([
        { sku: 'AV-1', available: 8, inStock: true, warehouses: [{ code: 'SH-01', available: 8 }] },
        { sku: 'AV-NONE', available: 0, inStock: false, warehouses: [] },
      ]);
      const redis = service.app.get<Redis>(REDIS);
      const cached = JSON.parse((await redis.get(AvailabilityCache.key('AV-1')))!);
      expect(cached).toMatchObject({ v: 1, available: 8 });

      await post('/v1/stock/receipts', { sku: 'AV-1', warehouse: 'BJ-01', quantity: 2 });
      expect(JSON.parse((await redis.get(AvailabilityCache.key('AV-1')))!)).toMatchObject({
        v: 2,
        available: 10,
      });
      const second = await getAvailability(['AV-1']);
      expect(second.items[0]).toEqual({
        sku: 'AV-1',
        available: 10,
        inStock: true,
        warehouses: [
          { code: 'BJ-01', available: 2 },
          { code: 'SH-01', available: 8 },
        ],
      });
      // A SKU first asked for while unknown is cached as such, then moved forward by its first receipt.
      await post('/v1/stock/receipts', { sku: 'AV-NONE', warehouse: 'SH-01', quantity: 1 });
      expect((await getAvailability(['AV-NONE'])).items[0]).toMatchObject({ available: 1, inStock: true });
    });

    it('never lets an older entry overwrite a newer one in the cache', async () => {
      const redis = service.app.get<Redis>(REDIS);
      const key = AvailabilityCache.key('AV-CAS');
      await redis.set(key, JSON.stringify({ v: 5, available: 50, warehouses: [] }));
      const cache = service.app.get(AvailabilityCache);
      await post('/v1/stock/receipts', { sku: 'AV-CAS', warehouse: 'SH-01', quantity: 3 });
      // The SKU's stream is at version 1 < 5: the refresh after the commit leaves the entry alone.
      expect(JSON.parse((await redis.get(key))!).v).toBe(5);
      await redis.del(key);
      await cache.refresh(['AV-CAS']);
      expect(JSON.parse((await redis.get(key))!)).toEqual({
        v: 1,
        available: 3,
        warehouses: [{ code: 'SH-01', available: 3 }],
      });
    });

    it('refuses more than 500 SKUs or an empty SKU with INVALID_ARGUMENT', async () => {
      await expect(getAvailability(Array.from({ length: 501 }, (_, i) => `S${i}`))).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
      });
      await expect(getAvailability([''])).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    });
  });

  it('rebuilds both read models from the event log identical to the live ones', async () => {
    const dataSource = service.app.get(DataSource);
    const runtime = service.app.get(EventSourcingRuntime);
    const snapshot = async () => ({
      warehouses: await dataSource.query(`SELECT * FROM inv_warehouses ORDER BY code`),
      items: await dataSource.query(`SELECT * FROM inv_stock_items ORDER BY sku`),
      levels: await dataSource.query(`SELECT * FROM inv_stock_levels ORDER BY sku, warehouse`),
    });
    const live = await snapshot();
    expect(live.items.length).toBeGreaterThan(5);
    await runtime.rebuildInlineProjection(new WarehousesProjection());
    await runtime.rebuildInlineProjection(new StockLevelsProjection());
    expect(await snapshot()).toEqual(live);
  });
});
