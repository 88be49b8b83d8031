import { TestTokens } from '@ecom/auth';
import {
  createTestTopics,
  deleteTestTopics,
  EventFactory,
  publishEvents,
  ServiceProcess,
  startServiceProcess,
  testMessageBus,
  uniqueTopicPrefix,
  waitUntil,
} from '@ecom/testing';
import { randomBytes } from 'crypto';
import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import { v7 as uuidv7 } from 'uuid';

/** A span as an OTLP/JSON export carries it, with its service. */
interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 2 server, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
}

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

type OtlpValue = {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
};
type OtlpAttribute = { key: string; value: OtlpValue };

/** Trace and span ids are hex in OTLP/JSON (some exporters send base64): hex here. */
const hexId = (id: string) => (/^[0-9a-f]*$/.test(id) ? id : Buffer.from(id, 'base64').toString('hex'));
const attributesOf = (list: OtlpAttribute[] = []) =>
  Object.fromEntries(
    list.map(({ key, value }) => [
      key,
      value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue ?? null,
    ]),
  );

/**
 * An OTLP/HTTP trace collector of the test's own: both services export to it (http/json) and it keeps
 * every span it receives, as a real collector would before handing them on.
 */
async function startCollector(): Promise<{ url: string; spans: CollectedSpan[]; close(): Promise<void> }> {
  const spans: CollectedSpan[] = [];
  const read = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  };
  const server: Server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/traces') {
      response.writeHead(404).end();
      return;
    }
    read(request).then(
      (body) => {
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
          for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
            for (const span of scopeSpans.spans ?? []) {
              spans.push({
                service,
                traceId: hexId(span.traceId),
                spanId: hexId(span.spanId),
                parentSpanId: hexId(span.parentSpanId ?? ''),
                name: span.name,
                kind: span.kind,
                attributes: attributesOf(span.attributes),
              });
            }
          }
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      },
      () => response.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const ADDRESS = {
  name: 'Li Lei',
  phone: '+86 138 0000 0000',
  line1: '1 West Lake Road',
  city: 'Hangzhou',
  province: 'Zhejiang',
  postalCode: '310000',
  country: 'CN',
};

/**
 * The acceptance test of tracing: orders and inventory as the processes production runs (their
 * main.ts, so OpenTelemetry is registered before anything loads and every instrumentation patches),
 * both exporting to a collector of the test's own. One order placed with a W3C traceparent must come
 * out as one trace: the HTTP request, the outbox publish of OrderPlaced, inventory's reservation,
 * its publish of StockReserved, and orders confirming the order; and inventory's log line for the
 * reservation carries that trace id.
 */
describe('one trace from POST /v1/orders through the outbox and Kafka to the other service', () => {
  const sku = `TRACE-${randomBytes(3).toString('hex').toUpperCase()}`;
  const tokens = new TestTokens();
  let prefix: string;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let orders: ServiceProcess;
  let inventory: ServiceProcess;

  beforeAll(async () => {
    prefix = uniqueTopicPrefix('tracing');
    await createTestTopics(prefix);
    collector = await startCollector();
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Exported within a fraction of a second, not every five.
      OTEL_BSP_SCHEDULE_DELAY: '200',
      // The consumers' line per applied event is at debug.
      LOG_LEVEL: 'debug',
    };
    [orders, inventory] = await Promise.all(
      (['orders', 'inventory'] as const).map((name) =>
        startServiceProcess(name, { topicPrefix: prefix, tokens, env, readyTimeoutMs: 120_000 }),
      ),
    );
  });

  afterAll(async () => {
    await orders?.close();
    await inventory?.close();
    await collector?.close();
    if (prefix) await deleteTestTopics(prefix);
  });

  /** Catalog's part: a listed product with one SKU, as catalog.events carries it. */
  async function listProduct(): Promise<void> {
    const factory = new EventFactory();
    const productId = uuidv7();
    const bus = testMessageBus(prefix, 'tracing-catalog');
    try {
      await publishEvents(bus, [
        factory.make(
          'SkuAdded',
          { productId, sku, price: 2500, cost: null, currency: 'CNY', attributes: {} },
          new Date(),
          { aggregateId: productId },
        ),
        factory.make('ProductPublished', { productId, categoryId: uuidv7(), skus: [sku] }, new Date(), {
          aggregateId: productId,
        }),
      ]);
    } finally {
      await bus.close();
    }
  }

  it('spans the HTTP request, the outbox publish and the reservation in inventory, and its log line', async () => {
    const operator = await tokens.bearer('staff-1', 'operator');
    const customer = await tokens.bearer('member-trace');
    await listProduct();
    expect(
      (
        await inventory.http('/v1/warehouses', {
          token: operator,
          body: { code: 'WH-TRACE', name: 'Tracing', region: 'east' },
        })
      ).status,
    ).toBe(201);
    // Inventory learns the SKU from catalog.events: a receipt before that is refused, and retried.
    await waitUntil(
      async () =>
        (
          await inventory.http('/v1/stock/receipts', {
            token: operator,
            body: { sku, warehouse: 'WH-TRACE', quantity: 5 },
          })
        ).status === 201,
      { timeoutMs: 30_000, intervalMs: 200, message: `inventory to receive ${sku}` },
    );

    // The caller's own trace: the order is placed under a traceparent the test chose.
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const orderId = await waitUntil(
      async () => {
        const placed = await orders.http('/v1/orders', {
          token: customer,
          headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
          body: { items: [{ sku, quantity: 2 }], shippingAddress: ADDRESS, channel: 'web' },
        });
        // Until orders has the SKU's price from catalog.events the order is refused; then 202.
        return placed.status === 202 ? (placed.body.id as string) : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, message: 'orders to price the SKU and accept the order' },
    );
    const confirmed = await orders.http(`/v1/orders/${orderId}?waitFor=CONFIRMED,REJECTED&timeoutMs=20000`, {
      token: customer,
    });
    expect(confirmed.body.status).toBe('CONFIRMED');

    const inTrace = () => collector.spans.filter((s) => s.traceId === traceId);
    const find = (service: string, kind: number, name: string) =>
      inTrace().find((s) => s.service === service && s.kind === kind && s.name === name);
    await waitUntil(() => find('orders', PRODUCER, 'send OrderConfirmed'), {
      timeoutMs: 30_000,
      intervalMs: 200,
      message: `the trace ${traceId} to reach OrderConfirmed; it has ${JSON.stringify(
        inTrace().map((s) => `${s.service} ${s.name}`),
      )}`,
    });

    // The request: orders' server span, a child of the caller's span.
    const request = inTrace().find(
      (s) => s.service === 'orders' && s.kind === SERVER && s.parentSpanId === callerSpanId,
    );
    expect(request?.name).toBe('POST /v1/orders');
    expect(request?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/orders',
      'url.path': '/v1/orders',
      'http.response.status_code': 202,
    });
    // The outbox publish of OrderPlaced, under the request (through the spans of Nest's handler).
    const placedPublish = find('orders', PRODUCER, 'send OrderPlaced')!;
    expect(placedPublish.attributes).toMatchObject({
      'messaging.destination.name': 'orders.events',
      'messaging.kafka.message.key': orderId,
    });
    const ancestors = (span: CollectedSpan): string[] => {
      const parent = inTrace().find((s) => s.spanId === span.parentSpanId);
      return parent ? [parent.spanId, ...ancestors(parent)] : [];
    };
    expect(ancestors(placedPublish)).toContain(request!.spanId);
    // Inventory's reservation: a CONSUMER span whose parent is that publish, in the other process.
    const reservation = find('inventory', CONSUMER, 'process OrderPlaced')!;
    expect(reservation.parentSpanId).toBe(placedPublish.spanId);
    expect(reservation.attributes).toMatchObject({ 'messaging.destination.name': 'orders.events' });
    // Its reaction continues the chain: StockReserved published under it, orders confirming under that.
    const reservedPublish = find('inventory', PRODUCER, 'send StockReserved')!;
    expect(reservedPublish.parentSpanId).toBe(reservation.spanId);
    const confirmation = find('orders', CONSUMER, 'process StockReserved')!;
    expect(confirmation.parentSpanId).toBe(reservedPublish.spanId);
    expect(find('orders', PRODUCER, 'send OrderConfirmed')!.parentSpanId).toBe(confirmation.spanId);

    // Inventory's log line for the reservation is in the trace (pino's trace_id and span_id).
    const line = await waitUntil(
      () =>
        inventory
          .output()
          .split('\n')
          .filter((text) => text.includes('applied OrderPlaced'))
          .map((text) => JSON.parse(text) as Record<string, unknown>)
          .find((entry) => entry.trace_id === traceId),
      { timeoutMs: 10_000, message: `inventory's log line with trace_id ${traceId}` },
    );
    expect(line).toMatchObject({ span_id: reservation.spanId, level: 20 });
    expect(line.msg).toMatch(/applied OrderPlaced .*\(correlation .+\)$/);
  });
});
