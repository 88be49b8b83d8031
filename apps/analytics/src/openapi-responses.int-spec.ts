import { SERVICES } from '@ecom/platform';
import { startTestService, TestService } from '@ecom/testing';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';

/**
 * The analytics OpenAPI document against the answers the service really gives: every operation
 * declares its 2xx answer (and its errors with the platform's error body), and every GET answers,
 * from seeded read models, a body its declared schema accepts. The document's own classes are
 * checked closed (no field the schema does not name), so a field missing from a schema fails too.
 */

interface Schema {
  [keyword: string]: unknown;
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: unknown;
  nullable?: boolean;
}

interface Operation {
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function operationsOf(doc: OpenApiDocument): { key: string; path: string; operation: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, path, operation })),
  );
}

/** The JSON schema of an operation's answer with a status, or undefined when none is declared. */
function answerSchema(operation: Operation, status: string): Schema | undefined {
  return operation.responses[status]?.content?.['application/json']?.schema;
}

/** Operations whose 2xx answers (other than 204, which has no body) declare no JSON schema. */
function undeclaredAnswers(doc: OpenApiDocument): string[] {
  return operationsOf(doc).flatMap(({ key, operation }) => {
    const success = Object.keys(operation.responses).filter((status) => /^2\d\d$/.test(status));
    if (success.length === 0) return [`${key}: no 2xx answer`];
    return success
      .filter((status) => status !== '204' && !answerSchema(operation, status))
      .map((status) => `${key}: ${status} without a JSON schema`);
  });
}

/** Error answers of the service's own routes that do not carry the platform's error body. */
function undeclaredErrorBodies(doc: OpenApiDocument): string[] {
  return operationsOf(doc)
    .filter(({ path }) => path.startsWith('/v1/'))
    .flatMap(({ key, operation }) =>
      Object.keys(operation.responses)
        .filter((status) => /^[45]\d\d$/.test(status))
        .filter(
          (status) => answerSchema(operation, status)?.$ref !== '#/components/schemas/ErrorBodyResponse',
        )
        .map((status) => `${key}: ${status} without the error body`),
    );
}

/**
 * A validator of answers against a copy of the document in which every component schema with
 * properties is closed (additionalProperties false unless it says otherwise): a body field that its
 * class does not document is then an error, not silently allowed.
 */
function answerValidator(document: OpenApiDocument) {
  const doc = structuredClone(document);
  for (const schema of Object.values(doc.components.schemas)) {
    if (schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
  }
  const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  const operations = new Map(operationsOf(doc).map((o) => [o.key, o.operation]));
  return (operationKey: string, status: number, body: unknown): string[] => {
    const operation = operations.get(operationKey);
    if (!operation) return [`${operationKey}: not in the document`];
    const schema = answerSchema(operation, String(status));
    if (!schema) return [`${operationKey}: no schema for ${status}`];
    const validate = ajv.compile(
      JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')),
    );
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${operationKey} ${status}: ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`,
    );
  };
}

/** The days and instant the seeded facts are on (the clock is frozen at NOW, noon in Shanghai). */
const NOW = '2026-03-10T04:00:00.000Z';
const [D1, D2, D3] = ['2026-03-08', '2026-03-09', '2026-03-10'];
const RANGE = `from=${D1}&to=${D3}`;

/** Valid requests for every GET operation of the document; each answer is validated. */
const GET_REQUESTS: Record<string, string[]> = {
  'GET /health/ready': ['/health/ready'],
  'GET /v1/analytics/rfm/segments': ['/v1/analytics/rfm/segments'],
  'GET /v1/analytics/rfm': [
    '/v1/analytics/rfm',
    '/v1/analytics/rfm?segment=champions&sleeping=false&limit=2&offset=1',
    '/v1/analytics/rfm?segment=Hibernating&sleeping=true',
  ],
  'GET /v1/analytics/rfm/members/{memberId}': [
    '/v1/analytics/rfm/members/m-1',
    // Paid after the recomputation: raw values, null scores and segment.
    '/v1/analytics/rfm/members/m-late',
  ],
  'GET /v1/analytics/funnel': [
    `/v1/analytics/funnel?${RANGE}`,
    `/v1/analytics/funnel?${RANGE}&channel=web`,
    '/v1/analytics/funnel?from=2026-01-01&to=2026-01-03',
  ],
  'GET /v1/analytics/stock-warnings': [
    '/v1/analytics/stock-warnings',
    '/v1/analytics/stock-warnings?type=NEAR_EXPIRY&warehouse=SH-01',
  ],
  'GET /v1/analytics/sales': [
    `/v1/analytics/sales?${RANGE}&granularity=day`,
    // No facts at all: every ratio and the AOV null.
    '/v1/analytics/sales?from=2026-01-01&to=2026-01-02&currency=USD',
  ],
  'GET /v1/analytics/co-purchase': ['/v1/analytics/co-purchase', '/v1/analytics/co-purchase?limit=1'],
  'GET /v1/analytics/co-purchase/{sku}': [
    '/v1/analytics/co-purchase/TEE-S?limit=5',
    // In no counted order: no partners.
    '/v1/analytics/co-purchase/NOPE',
  ],
  'GET /v1/analytics/products/matrix': [
    `/v1/analytics/products/matrix?${RANGE}`,
    '/v1/analytics/products/matrix?from=2026-01-01&to=2026-01-02&currency=USD',
  ],
  'GET /v1/analytics/stock/health': [
    '/v1/analytics/stock/health',
    '/v1/analytics/stock/health?days=7&category=none-such',
  ],
  'GET /v1/analytics/stock/value-at-risk': [
    '/v1/analytics/stock/value-at-risk',
    '/v1/analytics/stock/value-at-risk?withinDays=0',
  ],
  'GET /v1/analytics/lifecycle': ['/v1/analytics/lifecycle', '/v1/analytics/lifecycle?asOf=2025-01-01'],
  'GET /v1/analytics/lifecycle/members': [
    '/v1/analytics/lifecycle/members',
    '/v1/analytics/lifecycle/members?stage=sleeping&limit=1&offset=0&asOf=2026-03-10',
  ],
  'GET /v1/analytics/repurchase': [
    `/v1/analytics/repurchase?${RANGE}`,
    '/v1/analytics/repurchase?from=2026-01-01&to=2026-01-02',
  ],
  'GET /v1/analytics/cohorts': [
    '/v1/analytics/cohorts',
    '/v1/analytics/cohorts?from=2025-09&to=2026-03&months=2',
  ],
  'GET /v1/analytics/anomalies': ['/v1/analytics/anomalies', `/v1/analytics/anomalies?state=all&${RANGE}`],
  'GET /v1/analytics/experiments': ['/v1/analytics/experiments', `/v1/analytics/experiments?${RANGE}`],
  'GET /v1/analytics/experiments/{key}': [
    `/v1/analytics/experiments/checkout_v2?${RANGE}`,
    // Nobody exposed in the range: zero counts, null ratios and statistics.
    '/v1/analytics/experiments/checkout_v2?from=2026-01-01&to=2026-01-02&control=B',
  ],
};

/** Read-model facts as the projector writes them: orders, refunds, returns, catalog, behaviour, warnings. */
async function seedReadModels(db: DataSource): Promise<void> {
  // An open conversion drop and a cleared GMV spike (anomaly alerts).
  await db.query(
    `INSERT INTO an_anomaly_alerts (id, type, metric, sku, direction, expected, actual, deviation, window_from,
       window_to, open, cleared_expected, cleared_actual, cleared_deviation, cleared_window_from, cleared_window_to)
     VALUES ('HOURLY:CONVERSION:2026-03-10T10', 'HOURLY', 'CONVERSION', NULL, 'DROP', 0.25, 0.1, -0.6,
             '2026-03-10T02:00:00Z', '2026-03-10T03:00:00Z', true, NULL, NULL, NULL, NULL, NULL),
            ('HOURLY:GMV:2026-03-09T10', 'HOURLY', 'GMV', NULL, 'SPIKE', 100000, 150000, 0.5,
             '2026-03-09T02:00:00Z', '2026-03-09T03:00:00Z', false, 100000, 110000, 0.1,
             '2026-03-09T03:00:00Z', '2026-03-09T04:00:00Z')`,
  );
  const at = (day: string, hour: number) => `${day}T${String(hour).padStart(2, '0')}:00:00+08:00`;
  await db.query(
    `INSERT INTO an_products (product_id, title) VALUES ('P-1', 'Organic cotton tee'), ('P-2', NULL)`,
  );
  // Categories for repurchase: m-1 buys apparel twice in the range (a median), m-2 kitchen once (none).
  await db.query(
    `UPDATE an_products SET category_id = CASE product_id WHEN 'P-1' THEN 'apparel' ELSE 'kitchen' END`,
  );
  await db.query(
    `INSERT INTO an_skus (sku, product_id, price, cost, currency) VALUES
       ('TEE-S', 'P-1', 9900, 4000, 'CNY'), ('TEE-M', 'P-1', 9900, 9000, 'CNY'),
       ('MUG', 'P-2', 3900, NULL, 'CNY'), ('CAP', 'P-2', 5900, 2000, 'CNY')`,
  );
  // member, day, hour, SKU, quantity, unit price; the last two members sleep (paid long ago).
  const orders: [string, string, number, string, number, number][] = [
    ['m-1', D1, 10, 'TEE-S', 3, 9900],
    ['m-1', D2, 11, 'TEE-M', 1, 9900],
    ['m-1', D3, 9, 'TEE-S', 2, 9900],
    ['m-2', D2, 14, 'MUG', 2, 3900],
    ['m-2', D3, 10, 'TEE-S', 1, 9900],
    ['m-3', D3, 8, 'GIFT-CARD', 1, 5000],
    ['m-4', '2025-10-01', 9, 'TEE-M', 1, 9900],
    ['m-5', '2025-09-15', 9, 'MUG', 1, 3900],
  ];
  for (const [i, [member, day, hour, sku, quantity, price]] of orders.entries()) {
    const order = `O-${i + 1}`;
    const visitor = member === 'm-1' ? 'v-1' : member === 'm-2' ? 'v-2' : member;
    const total = quantity * price;
    await db.query(
      `INSERT INTO an_orders_placed (order_id, event_id, member_id, visitor_id, channel, placed_at, day, total, currency)
       VALUES ($1, $2, $3, $4, 'web', $5, $6, $7, 'CNY')`,
      [order, randomUUID(), member, visitor, at(day, hour), day, total],
    );
    await db.query(
      `INSERT INTO an_order_lines (order_id, line_no, sku, quantity, unit_price, line_total) VALUES ($1, 1, $2, $3, $4, $5)`,
      [order, sku, quantity, price, total],
    );
    await db.query(
      `INSERT INTO an_orders_paid (order_id, event_id, member_id, visitor_id, channel, paid_at, day, amount, currency, method, payment_id)
       VALUES ($1, $2, $3, $4, 'web', $5, $6, $7, 'CNY', 'card', $8)`,
      [order, randomUUID(), member, visitor, at(day, hour + 1), day, total, `pay-${order}`],
    );
  }
  // An order placed and never paid; a cancellation refund; a return refunded, one requested, one rejected.
  await db.query(
    `INSERT INTO an_orders_placed (order_id, event_id, member_id, visitor_id, channel, placed_at, day, total, currency)
     VALUES ('O-unpaid', $1, 'm-3', 'm-3', NULL, $2, $3, 3900, 'CNY')`,
    [randomUUID(), at(D3, 9), D3],
  );
  await db.query(
    `INSERT INTO an_refunds (refund_id, event_id, order_id, member_id, return_id, amount, currency, cause, issued_at, day) VALUES
       ('RF-1', $1, 'O-2', 'm-1', NULL, 9900, 'CNY', 'CANCELLATION', $3, $4),
       ('RF-2', $2, 'O-1', 'm-1', 'R-1', 9900, 'CNY', 'RETURN', $3, $4)`,
    [randomUUID(), randomUUID(), at(D3, 11), D3],
  );
  await db.query(
    `INSERT INTO an_returns (return_id, order_id, member_id, reason, amount, currency, requested_at, day, rejected_at) VALUES
       ('R-1', 'O-1', 'm-1', 'SIZE_MISMATCH', 9900, 'CNY', $1, $2, NULL),
       ('R-2', 'O-4', 'm-2', 'QUALITY', 3900, 'CNY', $1, $2, NULL),
       ('R-3', 'O-5', 'm-2', 'OTHER', 9900, 'CNY', $1, $2, $1)`,
    [at(D3, 10), D3],
  );
  await db.query(
    `INSERT INTO an_return_lines (return_id, line_no, sku, quantity) VALUES ('R-1', 1, 'TEE-S', 1)`,
  );

  // Behaviour: v-1 (web) goes all the way on D1, v-2 (app) stops at the cart, v-3 only visits
  // without a channel. The funnel folds pending events itself, as after a projector batch.
  const steps = ['page_view', 'product_view', 'add_to_cart', 'order_placed', 'order_paid'];
  const journeys: [string, string | null, number][] = [
    ['v-1', 'web', 5],
    ['v-2', 'app', 3],
    ['v-3', null, 1],
  ];
  for (const [visitor, channel, reached] of journeys) {
    for (const [i, step] of steps.slice(0, reached).entries()) {
      const eventId = randomUUID();
      await db.query(
        `INSERT INTO an_visitor_events (event_id, day, visitor_id, member_id, step, occurred_at, channel, sku)
         VALUES ($1, $2, $3, NULL, $4, $5, $6, $7)`,
        [eventId, D1, visitor, step, at(D1, 8 + i), channel, step === 'product_view' ? 'TEE-S' : null],
      );
      await db.query(`INSERT INTO an_funnel_pending (event_id, day, visitor_id) VALUES ($1, $2, $3)`, [
        eventId,
        D1,
        visitor,
      ]);
    }
  }

  // Co-purchase counts as the projector keeps them: 4 counted orders; TEE-S 3, TEE-M 2, MUG 2;
  // (MUG, TEE-S) 2, (TEE-M, TEE-S) 2, (MUG, TEE-M) 1 (under the default minimum support count of 2).
  await db.query(`INSERT INTO an_copurchase_totals (id, orders) VALUES (1, 4)`);
  await db.query(
    `INSERT INTO an_copurchase_skus (sku, orders) VALUES ('TEE-S', 3), ('TEE-M', 2), ('MUG', 2)`,
  );
  await db.query(
    `INSERT INTO an_copurchase_pairs (sku_a, sku_b, orders) VALUES
       ('MUG', 'TEE-S', 2), ('TEE-M', 'TEE-S', 2), ('MUG', 'TEE-M', 1)`,
  );
  await db.query(
    `INSERT INTO an_stock_warnings (type, sku, warehouse_key, warehouse, available, safety_stock, days_of_cover,
       suggested_reorder_qty, details, since) VALUES
       ('OUT_OF_STOCK', 'MUG', '*', NULL, 0, 5, NULL, NULL, '{"onHand": 2}', $1),
       ('STOCKOUT_RISK', 'TEE-S', '*', NULL, 6, 4, 2.8, 37,
        '{"unitsSold": 30, "windowDays": 14, "averageDailyUnitsSold": 2.14, "leadTimeDays": 7, "reorderPoint": 19}', $1),
       ('NEAR_EXPIRY', 'CAP', 'SH-01', 'SH-01', 12, 0, NULL, NULL,
        '{"batch": "L-7", "expiresAt": "2026-03-30T00:00:00.000Z", "quantity": 12, "expiringBatches": 1, "expired": false}', $1)`,
    [NOW],
  );
  // Stock facts (stock health): CAP's batch expires within 30 days; TEE-S's batch predates receipt
  // times (unknown age); GHOST is a SKU catalog never named (no category, price, cost or currency).
  await db.query(
    `INSERT INTO an_stock_items (sku, on_hand, reserved, available) VALUES
       ('TEE-S', 20, 2, 18), ('CAP', 12, 0, 12), ('GHOST', 3, 0, 3)`,
  );
  await db.query(
    `INSERT INTO an_stock_batches (sku, warehouse, batch, expires_at, quantity, received_at) VALUES
       ('CAP', 'SH-01', 'L-7', '2026-03-30T00:00:00Z', 12, '2026-01-10T01:00:00Z'),
       ('TEE-S', 'SH-01', 'T-1', NULL, 20, NULL),
       ('GHOST', 'SH-01', 'G-1', '2026-03-01T00:00:00Z', 3, '2026-02-01T01:00:00Z')`,
  );
  await db.query(
    `INSERT INTO an_stock_sales (event_id, sku, warehouse, occurred_at, units) VALUES ($1, 'TEE-S', 'SH-01', $2, 5)`,
    [randomUUID(), at(D2, 15)],
  );
  // A/B: v-1 in B (its O-1 carried B), v-2 and v-3 in control (v-2's O-4 carried control).
  await db.query(
    `INSERT INTO an_experiment_visitors (experiment, visitor_id, variant, first_seen_at, first_event_id, day) VALUES
       ('checkout_v2', 'v-1', 'B', $1, $2, $5), ('checkout_v2', 'v-2', 'control', $1, $3, $5),
       ('checkout_v2', 'v-3', 'control', $1, $4, $5)`,
    [at(D1, 8), randomUUID(), randomUUID(), randomUUID(), D1],
  );
  await db.query(
    `INSERT INTO an_experiment_orders (order_id, experiment, variant, visitor_id) VALUES
       ('O-1', 'checkout_v2', 'B', 'v-1'), ('O-4', 'checkout_v2', 'control', 'v-2')`,
  );
}

describe('analytics OpenAPI document: every answer declared, and the real answers match it', () => {
  let service: TestService;
  let db: DataSource;
  let operator: string;
  let document: OpenApiDocument;

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.analytics, {
      env: { ANALYTICS_FIXED_NOW: NOW, ANALYTICS_TZ: 'Asia/Shanghai', RFM_RECOMPUTE_INTERVAL_MS: '0' },
    });
    db = service.app.get(DataSource);
    operator = await service.tokens.bearer('op-1', 'operator');
    document = (await service.http('/docs-json')).body;
    await seedReadModels(db);
  });

  afterAll(() => service?.close());

  it('declares a 2xx answer schema on every operation (204 aside) and the error body on every error', () => {
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThanOrEqual(12);
    expect(undeclaredAnswers(document)).toEqual([]);
    expect(undeclaredErrorBodies(document)).toEqual([]);
    const undescribed = operations.flatMap(({ key, operation }) =>
      Object.entries(operation.responses)
        .filter(([, response]) => !response.description)
        .map(([status]) => `${key} ${status}`),
    );
    expect(undescribed).toEqual([]);
    // Operator-only: each says what no token, a customer's token and a Redis outage answer.
    for (const { key, operation } of operations.filter((o) => o.path.startsWith('/v1/analytics/'))) {
      const statuses = Object.keys(operation.responses).filter((s) => ['401', '403', '503'].includes(s));
      expect({ key, statuses: statuses.sort() }).toEqual({ key, statuses: ['401', '403', '503'] });
    }
    expect(document.paths['/v1/analytics/stock-warnings/{sku}/{type}'].delete.responses['204']).toBeDefined();
  });

  it('answers every GET operation of the document, and POST recompute and track, with bodies their schemas accept', async () => {
    const violations = answerValidator(document);
    const problems: string[] = [];
    const call = async (key: string, path: string, init: { method?: string; body?: unknown } = {}) => {
      const response = await service.http(path, { ...init, token: operator });
      const expected = init.method === 'POST' && path.startsWith('/v1/track') ? 202 : 200;
      if (response.status !== expected)
        problems.push(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
      else problems.push(...violations(key, response.status, response.body));
      return response.body;
    };

    // Before the first recomputation: no as-of, no scores.
    const unscored = await call('GET /v1/analytics/rfm/segments', '/v1/analytics/rfm/segments');
    expect(unscored).toMatchObject({ asOf: null, members: 0 });
    await call('GET /v1/analytics/rfm', '/v1/analytics/rfm');
    const run = await call('POST /v1/analytics/rfm/recompute', '/v1/analytics/rfm/recompute', {
      method: 'POST',
    });
    expect(run).toMatchObject({ asOf: NOW, asOfDay: D3, members: 5 });
    await db.query(
      `INSERT INTO an_orders_paid (order_id, event_id, member_id, visitor_id, channel, paid_at, day, amount, currency, method, payment_id)
       VALUES ('O-late', $1, 'm-late', 'm-late', NULL, $2, $3, 2500, 'CNY', 'card', 'pay-late')`,
      [randomUUID(), `${D3}T10:30:00+08:00`, D3],
    );
    await call('POST /v1/track', '/v1/track', {
      method: 'POST',
      body: { type: 'page_view', visitorId: 'v-9' },
    });
    await call('POST /v1/track/batch', '/v1/track/batch', {
      method: 'POST',
      body: { events: [{ type: 'search', visitorId: 'v-9', query: 'tee', channel: 'app' }] },
    });

    const gets = operationsOf(document).filter((o) => o.key.startsWith('GET '));
    expect(gets.map((o) => o.key).filter((key) => !GET_REQUESTS[key])).toEqual([]);
    const answers = new Map<string, unknown>();
    for (const { key } of gets) {
      for (const path of GET_REQUESTS[key]) answers.set(path, await call(key, path));
    }
    expect(problems).toEqual([]);

    // The seeds reach both sides of the nullable fields, so the schemas were tried on each.
    const late = answers.get('/v1/analytics/rfm/members/m-late') as Record<string, unknown>;
    expect(late).toMatchObject({ r: null, segment: null, segmentCode: null, monetary: 2500 });
    expect(answers.get('/v1/analytics/rfm/members/m-1')).toMatchObject({ r: 5, segment: expect.any(String) });
    const matrix = answers.get(`/v1/analytics/products/matrix?${RANGE}`) as {
      items: { sku: string; quadrant: string | null; productId: string | null }[];
    };
    expect(matrix.items.map((i) => [i.sku, i.quadrant])).toEqual(
      expect.arrayContaining([
        ['GIFT-CARD', null],
        ['MUG', null],
        ['TEE-S', 'star'],
      ]),
    );
    const sales = answers.get(`/v1/analytics/sales?${RANGE}&granularity=day`) as {
      totals: { conversion: number | null; returns: { byReason: Record<string, { count: number }> } };
    };
    expect(sales.totals.conversion).toBeGreaterThan(0);
    expect(sales.totals.returns.byReason.SIZE_MISMATCH.count).toBe(1);
    const funnel = answers.get(`/v1/analytics/funnel?${RANGE}`) as { channels: { channel: string | null }[] };
    expect(funnel.channels.map((c) => c.channel)).toEqual(['app', 'web', null]);
    expect(answers.get('/v1/analytics/stock-warnings')).toHaveLength(3);
    // CAP: 12 x 2000 at cost; GHOST: 3 expired units of unknown cost and price.
    expect(answers.get('/v1/analytics/stock/value-at-risk')).toMatchObject({
      totals: [
        { currency: 'CNY', units: 12, costValue: 24000, retailValue: 70800 },
        { currency: null, units: 3, expiredUnits: 3, unitsWithoutCost: 3, unitsWithoutPrice: 3 },
      ],
    });
    const repurchase = answers.get(`/v1/analytics/repurchase?${RANGE}`) as {
      categories: { categoryId: string; medianDaysBetween: number | null }[];
    };
    expect(repurchase.categories.map((c) => [c.categoryId, c.medianDaysBetween])).toEqual([
      ['apparel', 2],
      ['kitchen', null],
    ]);
    const cohorts = answers.get('/v1/analytics/cohorts?from=2025-09&to=2026-03&months=2') as {
      cohorts: { month: string; members: number; retention: { share: number | null }[] }[];
    };
    expect(cohorts.cohorts.find((c) => c.month === '2025-09')).toMatchObject({ members: 1 });
    expect(cohorts.cohorts.find((c) => c.month === '2025-11')!.retention[0].share).toBeNull();
    // TEE-S: MUG and TEE-M each 2 x 4 / (3 x 2) = 4/3; equal lift and orders, so by SKU.
    expect(answers.get('/v1/analytics/co-purchase/TEE-S?limit=5')).toMatchObject({
      orders: 3,
      countedOrders: 4,
      minSupportOrders: 2,
      partners: [
        { sku: 'MUG', orders: 2, confidence: 2 / 3, lift: 4 / 3 },
        { sku: 'TEE-M', orders: 2, confidence: 2 / 3, lift: 4 / 3 },
      ],
    });
    expect((answers.get('/v1/analytics/co-purchase') as { pairs: unknown[] }).pairs).toHaveLength(2);
    type Readout = {
      comparisons: { z: number | null; confidenceLower: number | null; sampleTooSmall: boolean }[];
    };
    const experiment = answers.get(`/v1/analytics/experiments/checkout_v2?${RANGE}`) as Readout;
    expect(experiment.comparisons[0]).toMatchObject({ z: expect.any(Number), sampleTooSmall: true });
    const unexposed = answers.get(
      '/v1/analytics/experiments/checkout_v2?from=2026-01-01&to=2026-01-02&control=B',
    ) as Readout;
    expect(unexposed.comparisons[0]).toMatchObject({ z: null, confidenceLower: null });
  });

  it('fails an answer whose field its schema does not name, or whose null its schema does not allow', async () => {
    const sales = (await service.http(`/v1/analytics/sales?${RANGE}`, { token: operator })).body;
    const late = (await service.http('/v1/analytics/rfm/members/m-late', { token: operator })).body;
    expect(answerValidator(document)('GET /v1/analytics/sales', 200, sales)).toEqual([]);

    const withoutGmv = structuredClone(document);
    const figures = withoutGmv.components.schemas.SalesFiguresResponse;
    delete figures.properties!.gmv;
    figures.required = figures.required!.filter((name) => name !== 'gmv');
    const gmvProblems = answerValidator(withoutGmv)('GET /v1/analytics/sales', 200, sales);
    expect(gmvProblems).toContainEqual(
      expect.stringContaining('/totals must NOT have additional properties'),
    );
    expect(gmvProblems.join('\n')).toContain('"additionalProperty":"gmv"');

    const scoresNeverNull = structuredClone(document);
    delete scoresNeverNull.components.schemas.RfmMemberResponse.properties!.r.nullable;
    expect(answerValidator(scoresNeverNull)('GET /v1/analytics/rfm/members/{memberId}', 200, late)).toEqual([
      expect.stringContaining('/r must be integer'),
    ]);
  });

  it('answers errors with the error body their operations declare', async () => {
    const violations = answerValidator(document);
    const customer = await service.tokens.bearer('cust-1', 'customer');
    const cases: {
      key: string;
      path: string;
      status: number;
      method?: string;
      token?: string;
      body?: unknown;
    }[] = [
      {
        key: 'GET /v1/analytics/sales',
        path: '/v1/analytics/sales?from=2026-3-1&x=1',
        status: 400,
        token: operator,
      },
      {
        key: 'GET /v1/analytics/co-purchase/{sku}',
        path: '/v1/analytics/co-purchase/TEE-S?limit=101',
        status: 400,
        token: operator,
      },
      { key: 'GET /v1/analytics/funnel', path: '/v1/analytics/funnel', status: 401 },
      {
        key: 'GET /v1/analytics/rfm/segments',
        path: '/v1/analytics/rfm/segments',
        status: 403,
        token: customer,
      },
      {
        key: 'GET /v1/analytics/rfm/members/{memberId}',
        path: '/v1/analytics/rfm/members/nobody',
        status: 404,
        token: operator,
      },
      {
        key: 'DELETE /v1/analytics/stock-warnings/{sku}/{type}',
        path: '/v1/analytics/stock-warnings/NEVER-WARNED/SLOW_MOVING',
        status: 404,
        method: 'DELETE',
        token: operator,
      },
      {
        key: 'POST /v1/track',
        path: '/v1/track',
        status: 403,
        method: 'POST',
        token: customer,
        body: { type: 'page_view', visitorId: 'v-1', memberId: 'someone-else' },
      },
    ];
    for (const { key, path, status, ...init } of cases) {
      const response = await service.http(path, init);
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(violations(key, response.status, response.body)).toEqual([]);
    }
  });

  it('reports an operation whose answer has no schema', () => {
    const undocumented = structuredClone(document);
    delete undocumented.paths['/v1/analytics/sales'].get.responses['200'].content;
    expect(undeclaredAnswers(undocumented)).toEqual(['GET /v1/analytics/sales: 200 without a JSON schema']);
    expect(answerValidator(undocumented)('GET /v1/analytics/sales', 200, {})).toEqual([
      'GET /v1/analytics/sales: no schema for 200',
    ]);
  });
});
