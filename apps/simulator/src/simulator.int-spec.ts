import { TestTokens } from '@ecom/auth';
import {
  createTestDatabase,
  createTestTopics,
  deleteTestTopics,
  ServiceName,
  ServiceProcess,
  startServiceProcess,
  TestDatabase,
  uniqueTopicPrefix,
  waitUntil,
} from '@ecom/testing';
import { spawn } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import type { SimulationReport } from './simulator';

const ROOT = resolve(__dirname, '../../..');
const TIME_ZONE = 'Asia/Shanghai';
const ADMIN = { ADMIN_EMAIL: 'sim-admin@example.com', ADMIN_PASSWORD: 'Sim-Admin-Passw0rd!' };

/** Runs `npm run simulate` (apps/simulator/src/main.ts) as people run it, against the given services. */
function runSimulator(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', 'apps/simulator/src/main.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...ADMIN },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolveRun({ code, output }));
  });
}

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * The acceptance test of the simulator: the whole system as separate processes (six services, each
 * on its own database but analytics and its projector sharing theirs, one topic prefix, one key
 * pair), a small run with a fixed seed, and the summary checked here against the run's bookkeeping.
 */
describe('npm run simulate against the whole system', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecom-simulate-'));
  const tokens = new TestTokens();
  const services = new Map<ServiceName, ServiceProcess>();
  let topicPrefix: string;
  let analyticsDatabase: TestDatabase;
  let report: SimulationReport;
  let output = '';
  let operator: string;
  let args: string[];

  beforeAll(async () => {
    topicPrefix = uniqueTopicPrefix('simulate');
    await createTestTopics(topicPrefix, 3);
    analyticsDatabase = await createTestDatabase('analytics_simulate');
    const shared = { topicPrefix, tokens, readyTimeoutMs: 120_000 };
    const analyticsEnv = { ANALYTICS_TZ: TIME_ZONE, ANALYTICS_CACHE_TTL_MS: '0' };
    const start = async (name: ServiceName, options: Parameters<typeof startServiceProcess>[1] = {}) =>
      services.set(name, await startServiceProcess(name, { ...shared, ...options }));
    // The analytics pair first (they share a database, so its migrations run once), then the rest at once.
    await start('analytics-projector', {
      database: analyticsDatabase,
      env: { ...analyticsEnv, RFM_RECOMPUTE_INTERVAL_MS: '0' },
    });
    await Promise.all([
      start('analytics', { database: analyticsDatabase, env: analyticsEnv }),
      start('catalog'),
      start('inventory'),
      // Some payments declined, so the run pays again or cancels.
      start('orders', { env: { PAYMENT_SIMULATOR_FAILURE_RATE: '0.1' } }),
      // Members signs the tokens every service checks with the test's key pair; cheap password hashes.
      start('members', {
        env: { ...ADMIN, JWT_PRIVATE_KEY: tokens.keys.privateKeyPem, PASSWORD_SCRYPT_LOG_N: '12' },
      }),
    ]);
    operator = await tokens.bearer('sim-test-operator', 'operator');

    const out = join(dir, 'report.json');
    const url = (name: ServiceName) => services.get(name)!.baseUrl;
    // Seed 3: at 60 shoppers its live day plans returns, gRPC and REST checkouts and both variants.
    args = [
      ...['--shoppers', '60', '--history-days', '120', '--seed', '3', '--tz', TIME_ZONE],
      ...['--settle-seconds', '90', '--concurrency', '4'],
      ...['--catalog-url', url('catalog'), '--orders-url', url('orders')],
      ...['--inventory-url', url('inventory'), '--members-url', url('members')],
      ...['--analytics-url', url('analytics'), '--projector-url', url('analytics-projector')],
      ...['--orders-grpc', services.get('orders')!.grpcAddress!],
    ];
    const run = await runSimulator([...args, '--out', out]);
    output = run.output;
    if (run.code !== 0) throw new Error(`the simulator exited with ${run.code}:\n${output.slice(-6000)}`);
    report = JSON.parse(readFileSync(out, 'utf8')) as SimulationReport;
  }, 300_000);

  afterAll(async () => {
    await Promise.all([...services.values()].map((service) => service.close()));
    if (topicPrefix) await deleteTestTopics(topicPrefix).catch(() => undefined);
    await analyticsDatabase?.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('carried out every stage: catalog, stock, members, imported history and a live day with a flash sale', () => {
    const { bookkeeping: books } = report;
    expect(books.catalog.categoriesByDepth.every((n) => n > 0)).toBe(true);
    expect(books.catalog.listedProducts).toBe(report.plan.products);
    expect(books.inventory.policies).toBe(report.plan.skus);
    expect(books.members.registered).toBe(60);
    expect(books.history).toMatchObject({ lines: report.plan.historyOrders, rejected: 0 });
    expect(books.history.imported).toBe(report.plan.historyOrders);
    expect(books.live.paid).toBeGreaterThan(0);
    expect(books.live.ordersPlacedGrpc + books.live.ordersPlacedRest).toBe(
      books.live.confirmed + books.live.rejected,
    );
    expect(books.flash.orders).toBeGreaterThan(books.flash.confirmedOrders);
    expect(books.live.ordersPlacedGrpc + books.flash.ordersGrpc).toBeGreaterThan(0);
    expect(books.live.returnsRequested).toBeGreaterThan(0);
    expect(output).toContain('== summary');
  });

  it('every paid order, imported or live, is in GMV on its day', () => {
    const expected = new Map<string, { gmv: number; ordersPaid: number }>();
    for (const order of report.bookkeeping.paidOrders) {
      const day = expected.get(order.day) ?? { gmv: 0, ordersPaid: 0 };
      expected.set(order.day, { gmv: day.gmv + order.amount, ordersPaid: day.ordersPaid + 1 });
    }
    const sources = new Set(report.bookkeeping.paidOrders.map((o) => o.source));
    expect(sources).toEqual(new Set(['history', 'live', 'flash']));
    const answered = new Map(
      report.analytics.sales
        .filter((d) => d.ordersPaid > 0 || d.gmv > 0)
        .map((d) => [d.day, { gmv: d.gmv, ordersPaid: d.ordersPaid }]),
    );
    expect(answered).toEqual(expected);
    expect(expected.size).toBeGreaterThan(30);
  });

  it('the funnel never grows from one step to the next', () => {
    const visitors = report.analytics.funnel.steps.map((s) => s.visitors);
    expect(report.analytics.funnel.steps.map((s) => s.name)).toEqual([
      'visit',
      'product_view',
      'add_to_cart',
      'order_placed',
      'order_paid',
    ]);
    expect(visitors[0]).toBeGreaterThan(0);
    visitors.slice(1).forEach((count, i) => expect(count).toBeLessThanOrEqual(visitors[i]));
    expect(visitors[4]).toBeGreaterThan(0);
  });

  it('the flash-sale SKU is OUT_OF_STOCK and was never oversold', async () => {
    const { flash } = report.bookkeeping;
    expect(flash.confirmedUnits - flash.releasedUnits).toBeLessThanOrEqual(flash.unitsReceived);
    expect(flash.unitsReceived).toBe(report.plan.flashUnits);
    const warnings = await services
      .get('analytics')!
      .http(`/v1/analytics/stock-warnings?type=OUT_OF_STOCK&sku=${flash.sku}`, { token: operator });
    expect(warnings.body).toEqual([
      expect.objectContaining({ sku: flash.sku, type: 'OUT_OF_STOCK', available: 0 }),
    ]);
    // Every unit went to a paid order, and every paid flash order was shipped: once inventory has
    // deducted the shipments, what is left on hand is exactly what was received minus the units paid.
    const stock = await waitUntil(
      async () => {
        const answer = await services.get('inventory')!.http(`/v1/stock/${flash.sku}`, { token: operator });
        return answer.body.onHand + flash.paidUnits === flash.unitsReceived ? answer.body : undefined;
      },
      { message: 'the flash SKU shipments to be deducted' },
    );
    expect(stock).toMatchObject({ available: 0 });
    expect(stock.reserved).toBeLessThanOrEqual(stock.onHand);
    expect(flash.paidUnits).toBeGreaterThan(0);
  });

  it('the sleeping members are exactly those whose last paid order is more than 90 days old', () => {
    const lastPaid = new Map<string, string>();
    for (const order of report.bookkeeping.paidOrders)
      if ((lastPaid.get(order.memberId) ?? '') < order.day) lastPaid.set(order.memberId, order.day);
    const expected = [...lastPaid]
      .filter(([, day]) => daysBetween(day, report.analytics.asOfDay) > 90)
      .map(([memberId]) => memberId)
      .sort();
    expect(report.analytics.sleepingMemberIds).toEqual(expected);
    expect(expected.length).toBe(report.bookkeeping.history.plannedSleeping);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('the checkout_copy readout counts every tracked visitor of the live day and its conversions, per variant', () => {
    const { experiment, funnel, live, flash } = report.bookkeeping;
    expect(experiment.map((v) => v.variant)).toEqual(['control', 'urgency']);
    // Every session and every flash shopper tracked once, each carrying its variant.
    const exposed = experiment.reduce((sum, v) => sum + v.visitors, 0);
    expect(exposed).toBe(live.sessions + flash.orders);
    expect(exposed).toBe(funnel.visit);
    for (const v of experiment) expect(v.visitors).toBeGreaterThan(0);
    expect(experiment.reduce((sum, v) => sum + v.convertedVisitors, 0)).toBeGreaterThan(0);
    const { variants, comparisons } = report.analytics.experiment;
    expect(
      variants.map(({ variant, visitors, convertedVisitors }) => ({ variant, visitors, convertedVisitors })),
    ).toEqual(experiment);
    expect(comparisons).toEqual([
      expect.objectContaining({
        variant: 'urgency',
        control: 'control',
        sampleTooSmall: expect.any(Boolean),
      }),
    ]);
    const check = report.checks.find((c) => c.name.startsWith('the checkout_copy readout'));
    expect(check).toMatchObject({ ok: true });
    expect(output).toContain('urgency vs control:');
  });

  it("the simulator's own checks agree", () => {
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('refuses to seed the same shop twice on one stack, and bad options, with exit code 2', async () => {
    const again = await runSimulator(args);
    expect(again.code).toBe(2);
    expect(again.output).toContain('this stack already holds the shop of prefix "sim3"');
    const bad = await runSimulator(['--shoppers', '5']);
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('--shoppers must be a whole number from 10 to 100000, got "5"');
  }, 60_000);
});
