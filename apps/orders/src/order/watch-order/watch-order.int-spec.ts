import { EventSourcingRuntime, SERVICES } from '@ecom/platform';
import { grpcTestClient, startTestService, TestService, waitUntil } from '@ecom/testing';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'path';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppModule } from '../../app.module';
import { ADDRESS, FakeUpstream, uniqueSku, waitForPrices, waitForStatus } from '../../test/orders-test-kit';
import { OrderWatchers } from './order-watchers';

interface GrpcOrder {
  id: string;
  status: string;
  history: { status: string }[];
}

type StreamingClient = grpc.Client &
  Record<string, (request: unknown, metadata: grpc.Metadata) => grpc.ClientReadableStream<GrpcOrder>>;

/**
 * Learning an order's outcome without polling: the long poll of GET /v1/orders/:id and the gRPC
 * WatchOrder stream, woken by PostgreSQL notifications, also across two instances on one database.
 * Inventory's answer is played by publishing StockReserved / StockReservationRejected on Kafka.
 */
describe('watching an order', () => {
  let a: TestService;
  let upstream: FakeUpstream;
  let alice: string;
  let bob: string;
  let operator: string;
  const SKU = uniqueSku('watch');
  const line = [{ sku: SKU, quantity: 1 }];

  async function place(on: TestService = a, token = alice): Promise<string> {
    const placed = await on.http('/v1/orders', { token, body: { items: line, shippingAddress: ADDRESS } });
    expect(placed.status).toBe(202);
    return placed.body.id;
  }

  /** The HTTP answer, with how long it took and when it came. */
  async function timed(on: TestService, path: string, token = alice, signal?: AbortSignal) {
    const started = Date.now();
    const answer = signal
      ? await fetch(on.baseUrl + path, {
          headers: { authorization: token.startsWith('Bearer ') ? token : `Bearer ${token}` },
          signal,
        })
      : await on.http(path, { token });
    return {
      status: answer.status,
      body: 'body' in answer ? answer.body : undefined,
      elapsed: Date.now() - started,
      at: Date.now(),
    };
  }

  const watchersOf = (on: TestService) => on.app.get(OrderWatchers);

  beforeAll(async () => {
    a = await startTestService(AppModule, SERVICES.orders);
    upstream = FakeUpstream.create(a.topicPrefix);
    alice = await a.tokens.bearer('member-alice');
    bob = await a.tokens.bearer('member-bob');
    operator = await a.tokens.bearer('staff-1', 'operator');
    await upstream.listProduct({ [SKU]: 1200 });
    await waitForPrices(a, [SKU]);
  });

  afterAll(async () => {
    await upstream?.close();
    await a?.close();
  });

  describe('GET /v1/orders/:id?waitFor= (long poll)', () => {
    it('answers as soon as the order is CONFIRMED, well before the timeout', async () => {
      const id = await place();
      const waiting = timed(a, `/v1/orders/${id}?waitFor=CONFIRMED,REJECTED&timeoutMs=25000`);
      await waitUntil(() => watchersOf(a).size === 1, { message: 'the waiter to register' });
      const answeredAfter = Date.now();
      await upstream.stockReserved(id, line);
      const answer = await waiting;
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id, status: 'CONFIRMED', memberId: 'member-alice' });
      expect(answer.body.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
      expect(answer.at).toBeGreaterThanOrEqual(answeredAfter);
      expect(answer.elapsed).toBeLessThan(15_000);
      expect(watchersOf(a).size).toBe(0);

      // Already in a listed state: answered at once.
      const again = await timed(a, `/v1/orders/${id}?waitFor=CONFIRMED&timeoutMs=25000`);
      expect(again).toMatchObject({ status: 200, body: { status: 'CONFIRMED' } });
      expect(again.elapsed).toBeLessThan(2_000);
    });

    it('answers with the current state (PENDING) when the timeout passes', async () => {
      const id = await place();
      const answer = await timed(a, `/v1/orders/${id}?waitFor=CONFIRMED,REJECTED&timeoutMs=1500`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id, status: 'PENDING' });
      expect(answer.elapsed).toBeGreaterThanOrEqual(1500);
      expect(answer.elapsed).toBeLessThan(10_000);
      expect(watchersOf(a).size).toBe(0);
    });

    it('refuses bad input with 400 naming the field and the reason', async () => {
      const id = await place();
      const cases: [string, string][] = [
        ['waitFor=CONFIRMED,NOPE', 'waitFor has an unknown status "NOPE"'],
        ['waitFor=CONFIRMED,,REJECTED', 'waitFor has an empty item'],
        ['waitFor=', 'waitFor must name at least one order status'],
        [`waitFor=${Array(9).fill('PENDING').join(',')}`, 'waitFor names more than 8 statuses'],
        ['waitFor=CONFIRMED&timeoutMs=-1', 'timeoutMs must not be less than 0'],
        ['waitFor=CONFIRMED&timeoutMs=30001', 'timeoutMs must not be greater than 30000'],
        ['waitFor=CONFIRMED&timeoutMs=soon', 'timeoutMs must be an integer number'],
        ['timeoutMs=5000', 'waitFor is required when timeoutMs is given'],
        ['waitFor=CONFIRMED&wait=1', 'property wait should not exist'],
      ];
      for (const [query, reason] of cases) {
        const answer = await a.http(`/v1/orders/${id}?${query}`, { token: alice });
        expect({ query, status: answer.status }).toEqual({ query, status: 400 });
        expect([answer.body.message].flat().join('; ')).toContain(reason);
      }
    });

    it("is 404 at once for another member's order and for an unknown one; operators may wait on any", async () => {
      const id = await place();
      const others = await timed(a, `/v1/orders/${id}?waitFor=CONFIRMED&timeoutMs=25000`, bob);
      expect(others.status).toBe(404);
      expect(others.elapsed).toBeLessThan(2_000);
      const unknown = await timed(a, `/v1/orders/${uuidv7()}?waitFor=CONFIRMED&timeoutMs=25000`);
      expect(unknown.status).toBe(404);
      expect(unknown.elapsed).toBeLessThan(2_000);
      const byOperator = await timed(a, `/v1/orders/${id}?waitFor=PENDING&timeoutMs=25000`, operator);
      expect(byOperator).toMatchObject({ status: 200, body: { id, status: 'PENDING' } });
      expect(watchersOf(a).size).toBe(0);
    });

    it('still wakes when the listening connection was cut meanwhile (all watched orders are re-read)', async () => {
      const id = await place();
      await upstream.stockReserved(id, line);
      await waitForStatus(a, alice, id, 'CONFIRMED');
      const waiting = timed(a, `/v1/orders/${id}?waitFor=CANCELLED&timeoutMs=25000`);
      await waitUntil(() => watchersOf(a).size === 1, { message: 'the waiter to register' });
      const dataSource = a.app.get(DataSource);
      const cut: unknown[] = await dataSource.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND query ILIKE 'LISTEN%'`,
      );
      expect(cut.length).toBeGreaterThan(0);
      // Committed while the listener reconnects: its notification is lost, the re-check finds it.
      expect((await a.http(`/v1/orders/${id}/cancel`, { token: alice, body: {} })).status).toBe(200);
      const answer = await waiting;
      expect(answer).toMatchObject({ status: 200, body: { id, status: 'CANCELLED' } });
      expect(answer.elapsed).toBeLessThan(15_000);
    });

    it('is documented in OpenAPI', async () => {
      const docs = await a.http('/docs-json');
      const operation = docs.body.paths['/v1/orders/{id}'].get;
      const parameters = Object.fromEntries(
        operation.parameters.map((p: { name: string; description?: string }) => [p.name, p.description]),
      );
      expect(parameters.waitFor).toContain('Comma-separated order statuses');
      expect(parameters.timeoutMs).toContain('milliseconds');
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '503']));
      expect(operation.responses['503'].headers['Retry-After']).toBeDefined();
    });

    it('frees the waiter when the client hangs up', async () => {
      const id = await place();
      const hangUp = new AbortController();
      const waiting = timed(a, `/v1/orders/${id}?waitFor=CONFIRMED&timeoutMs=25000`, alice, hangUp.signal);
      await waitUntil(() => watchersOf(a).size === 1, { message: 'the waiter to register' });
      hangUp.abort();
      await expect(waiting).rejects.toThrow();
      await waitUntil(() => watchersOf(a).size === 0, {
        message: 'the waiter to be freed',
        timeoutMs: 3_000,
      });
    });
  });

  it('refuses to wait beyond the per-process bound: 503 with Retry-After, gRPC UNAVAILABLE', async () => {
    const id = await place();
    const watchers = watchersOf(a);
    const idle = { changed: () => undefined, closing: () => undefined };
    const fillers = Array.from({ length: watchers.capacity }, (_, i) => watchers.watch(`filler-${i}`, idle));
    try {
      const refused = await a.http(`/v1/orders/${id}?waitFor=CONFIRMED&timeoutMs=25000`, { token: alice });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body.message).toContain('too many open order watches');
      // Reading without waiting is unaffected.
      expect((await a.http(`/v1/orders/${id}`, { token: alice })).status).toBe(200);
      const client = grpcTestClient<StreamingClient>('orders', 'Orders', a.grpcAddress!);
      try {
        const metadata = new grpc.Metadata();
        metadata.set('authorization', alice);
        const call = client.WatchOrder({ id }, metadata);
        call.on('error', () => undefined);
        const status = await new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
        expect(status.code).toBe(grpc.status.UNAVAILABLE);
      } finally {
        client.close();
      }
    } finally {
      for (const filler of fillers) filler.close();
    }
    expect(watchers.size).toBe(0);
  });

  describe('gRPC WatchOrder', () => {
    let orders: StreamingClient;
    let ordersService: StreamingClient;

    beforeAll(() => {
      orders = grpcTestClient<StreamingClient>('orders', 'Orders', a.grpcAddress!);
      ordersService = grpcTestClient<StreamingClient>('orders', 'OrdersService', a.grpcAddress!);
    });

    afterAll(() => {
      orders?.close();
      ordersService?.close();
    });

    /** Opens a WatchOrder stream and records what it sends and how it ends. */
    function watch(client: StreamingClient, request: object, token?: string) {
      const metadata = new grpc.Metadata();
      if (token) metadata.set('authorization', token);
      const started = Date.now();
      const call = client.WatchOrder(request, metadata);
      const messages: GrpcOrder[] = [];
      call.on('data', (order: GrpcOrder) => messages.push(order));
      call.on('error', () => undefined); // the outcome is read from 'status'
      const ended = new Promise<{ code: grpc.status; details: string; elapsed: number }>((resolve) =>
        call.on('status', (status) => resolve({ ...status, elapsed: Date.now() - started })),
      );
      return { call, messages, ended, statuses: () => messages.map((m) => m.status) };
    }

    it('streams PENDING then CONFIRMED and ends (orders.v1.Orders/WatchOrder)', async () => {
      const id = await place();
      const stream = watch(orders, { id, untilStatus: ['CONFIRMED', 'REJECTED'], timeoutMs: 25_000 }, alice);
      await waitUntil(() => stream.messages.length === 1, { message: 'the current order' });
      expect(stream.messages[0]).toMatchObject({ id, status: 'PENDING' });
      await upstream.stockReserved(id, line);
      const end = await stream.ended;
      expect(end.code).toBe(grpc.status.OK);
      expect(stream.statuses()).toEqual(['PENDING', 'CONFIRMED']);
      expect(stream.messages[1].history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
      expect(end.elapsed).toBeLessThan(15_000);
      expect(watchersOf(a).size).toBe(0);
    });

    it('ends at a terminal status by default (OrdersService/WatchOrder)', async () => {
      const id = await place();
      const stream = watch(ordersService, { id, timeoutMs: 25_000 }, alice);
      await waitUntil(() => stream.messages.length === 1, { message: 'the current order' });
      await upstream.stockRejected(id, [{ sku: SKU, requested: 1, available: 0 }]);
      expect((await stream.ended).code).toBe(grpc.status.OK);
      expect(stream.statuses()).toEqual(['PENDING', 'REJECTED']);
    });

    it('ends with the current state when the timeout passes', async () => {
      const id = await place();
      const stream = watch(orders, { id, untilStatus: ['CONFIRMED'], timeoutMs: 1500 }, alice);
      const end = await stream.ended;
      expect(end.code).toBe(grpc.status.OK);
      expect(end.elapsed).toBeGreaterThanOrEqual(1500);
      expect(stream.statuses()).toEqual(['PENDING']);
    });

    it("is NOT_FOUND for another member's or an unknown order, INVALID_ARGUMENT for bad input", async () => {
      const id = await place();
      const others = await watch(orders, { id, timeoutMs: 25_000 }, bob).ended;
      expect(others.code).toBe(grpc.status.NOT_FOUND);
      expect(others.elapsed).toBeLessThan(2_000);
      expect((await watch(ordersService, { id: uuidv7() }, alice).ended).code).toBe(grpc.status.NOT_FOUND);
      expect((await watch(orders, { id }).ended).code).toBe(grpc.status.UNAUTHENTICATED);
      const bad: [object, string][] = [
        [{ id: '' }, 'id should not be empty'],
        [{ id, untilStatus: ['CONFIRMED', 'NOPE'] }, 'untilStatus has an unknown status "NOPE"'],
        [{ id, untilStatus: [''] }, 'untilStatus has an empty item'],
        [{ id, timeoutMs: -5 }, 'timeoutMs must not be less than 1'],
        [{ id, timeoutMs: 300_001 }, 'timeoutMs must not be greater than 300000'],
      ];
      for (const [request, reason] of bad) {
        const end = await watch(orders, request, alice).ended;
        expect({ request, code: end.code }).toEqual({ request, code: grpc.status.INVALID_ARGUMENT });
        expect(end.details).toContain(reason);
      }
      expect(watchersOf(a).size).toBe(0);
    });

    it('frees the watcher when the client cancels the call', async () => {
      const id = await place();
      const stream = watch(orders, { id, timeoutMs: 25_000 }, alice);
      await waitUntil(() => stream.messages.length === 1, { message: 'the current order' });
      expect(watchersOf(a).size).toBe(1);
      stream.call.cancel();
      expect((await stream.ended).code).toBe(grpc.status.CANCELLED);
      await waitUntil(() => watchersOf(a).size === 0, {
        message: 'the watcher to be freed',
        timeoutMs: 3_000,
      });
    });

    it('is listed by server reflection under both service names', async () => {
      const reflectionProto = join(
        require.resolve('@grpc/reflection/package.json'),
        '../build/proto/grpc/reflection/v1/reflection.proto',
      );
      const definition = protoLoader.loadSync(reflectionProto, { keepCase: false });
      const proto = grpc.loadPackageDefinition(definition) as unknown as {
        grpc: {
          reflection: {
            v1: {
              ServerReflection: new (address: string, credentials: grpc.ChannelCredentials) => grpc.Client;
            };
          };
        };
      };
      const client = new proto.grpc.reflection.v1.ServerReflection(
        a.grpcAddress!,
        grpc.credentials.createInsecure(),
      ) as grpc.Client & { ServerReflectionInfo(): grpc.ClientDuplexStream<object, object> };
      try {
        const call = client.ServerReflectionInfo();
        const answer = new Promise<{ listServicesResponse: { service: { name: string }[] } }>(
          (resolve, reject) => {
            call.on('data', resolve);
            call.on('error', reject);
          },
        );
        call.write({ listServices: '' });
        const names = (await answer).listServicesResponse.service.map((s) => s.name);
        call.end();
        expect(names).toEqual(expect.arrayContaining(['orders.v1.OrdersService', 'orders.v1.Orders']));
      } finally {
        client.close();
      }
    });
  });

  describe('two instances on one database', () => {
    let b: TestService;
    let bStopped = false;

    beforeAll(async () => {
      b = await startTestService(AppModule, SERVICES.orders, {
        database: a.database,
        topicPrefix: a.topicPrefix,
        tokens: a.tokens,
      });
      // Stopping B while its consumers still join their groups would leave Kafka clients behind.
      await waitUntil(
        () =>
          b.app
            .get(EventSourcingRuntime)
            .consumerStatuses()
            .every((consumer) => consumer.running),
        { message: "instance B's consumers to run" },
      );
    });

    afterAll(async () => {
      if (!bStopped) await b?.close();
    });

    it('wakes a waiter on instance A with a change committed through instance B', async () => {
      const id = await place(a);
      await upstream.stockReserved(id, line);
      await waitForStatus(a, alice, id, 'CONFIRMED');
      const waiting = timed(a, `/v1/orders/${id}?waitFor=PAID,CANCELLED&timeoutMs=25000`);
      await waitUntil(() => watchersOf(a).size === 1, { message: 'the waiter to register' });
      const cancelled = await b.http(`/v1/orders/${id}/cancel`, { token: alice, body: {} });
      expect(cancelled.status).toBe(200);
      const answer = await waiting;
      expect(answer).toMatchObject({ status: 200, body: { id, status: 'CANCELLED' } });
      expect(answer.elapsed).toBeLessThan(15_000);
    });

    it('answers waiting requests with the current state when an instance stops', async () => {
      const id = await place(a);
      const waiting = timed(b, `/v1/orders/${id}?waitFor=CONFIRMED&timeoutMs=25000`);
      await waitUntil(() => watchersOf(b).size === 1, { message: 'the waiter to register' });
      bStopped = true;
      const stopping = b.close();
      const answer = await waiting;
      await stopping;
      expect(answer).toMatchObject({ status: 200, body: { id, status: 'PENDING' } });
      expect(answer.elapsed).toBeLessThan(15_000);
    });
  });
});
