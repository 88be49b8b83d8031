import { createTestDatabase, createTestDataSource, TestDatabase } from '@ecom/testing';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { ANALYTICS_MIGRATIONS } from '../index';
import { truncateReadModels } from '../read-model-tables';
import {
  cohortRetention,
  LifecycleOrderFact,
  LifecycleStage,
  memberLifecycles,
  repurchaseByCategory,
} from './lifecycle.domain';
import {
  AS_OF,
  cohortScenario,
  EXPECTED_COHORTS,
  EXPECTED_REPURCHASE,
  EXPECTED_STAGES,
  lifecycleScenario,
  repurchaseScenario,
  T,
} from './lifecycle.fixtures';
import { LifecycleQueries } from './lifecycle.queries';

/** One row to insert: the fact tables' rows of a paid order, keyed as the projector keys them. */
type FactRow = { table: string; columns: string[]; values: unknown[] };

/**
 * The rows the projector's fact writers would hold for the orders: the paid order, one refund row
 * per part of what was refunded, its lines (one per category; a line of a SKU that the catalog never
 * announced when the order has no category), and the catalog rows mapping SKU -> product -> category.
 */
function factRows(orders: readonly LifecycleOrderFact[], refundParts = 1): FactRow[] {
  const rows: FactRow[] = [];
  const categories = new Set<string>();
  for (const o of orders) {
    rows.push({
      table: 'an_orders_paid',
      columns: [
        'order_id',
        'event_id',
        'member_id',
        'visitor_id',
        'paid_at',
        'day',
        'amount',
        'currency',
        'method',
        'payment_id',
      ],
      values: [
        o.orderId,
        uuidOf(`paid-${o.orderId}`),
        o.memberId,
        o.memberId,
        o.paidAt,
        o.day,
        o.amount,
        'CNY',
        'card',
        `pay-${o.orderId}`,
      ],
    });
    let left = o.refunded;
    for (let part = 0; left > 0; part++) {
      const amount = part === refundParts - 1 ? left : Math.ceil(left / 2);
      left -= amount;
      rows.push({
        table: 'an_refunds',
        columns: [
          'refund_id',
          'event_id',
          'order_id',
          'member_id',
          'amount',
          'currency',
          'cause',
          'issued_at',
          'day',
        ],
        values: [
          `rf-${o.orderId}-${part}`,
          uuidOf(`rf-${o.orderId}-${part}`),
          o.orderId,
          o.memberId,
          amount,
          'CNY',
          'RETURN',
          '2026-06-01T00:00:00Z',
          '2026-06-01',
        ],
      });
    }
    const skus = o.categories.length ? o.categories.map((c) => `sku-${c}`) : ['sku-unlisted'];
    skus.forEach((sku, i) =>
      rows.push({
        table: 'an_order_lines',
        columns: ['order_id', 'line_no', 'sku', 'quantity', 'unit_price', 'line_total'],
        values: [o.orderId, i + 1, sku, 1, o.amount, o.amount],
      }),
    );
    for (const c of o.categories) categories.add(c);
  }
  for (const c of categories) {
    rows.push({ table: 'an_products', columns: ['product_id', 'category_id'], values: [`prod-${c}`, c] });
    rows.push({ table: 'an_skus', columns: ['sku', 'product_id'], values: [`sku-${c}`, `prod-${c}`] });
  }
  // A product whose category never arrived: its lines are in no category.
  rows.push({ table: 'an_products', columns: ['product_id'], values: ['prod-uncategorised'] });
  rows.push({
    table: 'an_skus',
    columns: ['sku', 'product_id'],
    values: ['sku-uncategorised', 'prod-uncategorised'],
  });
  return rows;
}

/** A stable uuid from a text (the facts' event ids only need to be unique and repeatable). */
function uuidOf(text: string): string {
  let h = 2166136261;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const ch of `${round}:${text}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    hex.push(h.toString(16).padStart(8, '0'));
  }
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-8${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

/** Lifecycle, repurchase and cohort queries against a real database holding the projected facts. */
describe('lifecycle, repurchase and cohort queries', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let queries: LifecycleQueries;

  beforeAll(async () => {
    db = await createTestDatabase('lifecycle_queries');
    dataSource = await createTestDataSource(db.url, ANALYTICS_MIGRATIONS);
    queries = new LifecycleQueries(dataSource, T);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  /** Empties the read models and inserts the rows, insert-or-ignore as the projector does. */
  async function load(rows: readonly FactRow[]): Promise<void> {
    await truncateReadModels(dataSource);
    for (const row of rows) {
      await dataSource.query(
        `INSERT INTO ${row.table} (${row.columns.join(', ')})
         VALUES (${row.columns.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT DO NOTHING`,
        row.values,
      );
    }
  }

  describe('golden', () => {
    it('stages the members of all three scenarios as the domain does, each lifecycle member as worked out by hand', async () => {
      const everything = [...lifecycleScenario(), ...repurchaseScenario(), ...cohortScenario()];
      await load(factRows(everything, 2));
      const body = await queries.stages(AS_OF);
      const all = memberLifecycles(everything, AS_OF, T);
      expect(body.members).toBe(all.length);
      expect(body.thresholds).toEqual(T);
      const page = await queries.members({ asOfDay: AS_OF, limit: 500 });
      const staged = Object.fromEntries(page.items.map((m) => [m.memberId, m.stage]));
      for (const [member, stage] of Object.entries(EXPECTED_STAGES))
        expect([member, staged[member]]).toEqual([member, stage]);
      for (const member of ['K', 'N', 'Q6']) expect(staged[member]).toBeUndefined();
      expect(page.items.find((m) => m.memberId === 'E')).toEqual({
        memberId: 'E',
        stage: 'active',
        orders: 2,
        firstPaidDay: '2025-12-01',
        lastPaidDay: '2026-01-09',
        recencyDays: 60,
      });
    });

    it('gives repurchase per category as worked out by hand', async () => {
      await load(factRows(repurchaseScenario(), 2));
      expect(await queries.repurchase({ from: '2026-03-01', to: '2026-03-31' })).toEqual({
        from: '2026-03-01',
        to: '2026-03-31',
        categories: EXPECTED_REPURCHASE,
      });
    });

    it('gives the cohorts as worked out by hand', async () => {
      await load(factRows(cohortScenario(), 2));
      const body = await queries.cohorts({ from: '2025-12', to: '2026-02', asOfDay: AS_OF, horizon: 12 });
      expect(body).toEqual({
        from: '2025-12',
        to: '2026-02',
        asOfDay: AS_OF,
        horizon: 12,
        cohorts: EXPECTED_COHORTS,
      });
      const short = await queries.cohorts({ from: '2025-12', to: '2025-12', asOfDay: AS_OF, horizon: 1 });
      expect(short.cohorts).toEqual([
        { ...EXPECTED_COHORTS[0], retention: [EXPECTED_COHORTS[0].retention[0]] },
      ]);
    });
  });

  describe('the lifecycle scenario alone', () => {
    beforeAll(() => load(factRows(lifecycleScenario())));

    it('counts 3 new, 3 active, 2 at risk, 2 sleeping and 2 lost', async () => {
      const body = await queries.stages(AS_OF);
      expect(body.asOfDay).toBe(AS_OF);
      expect(body.members).toBe(12);
      expect(body.stages.map((s) => [s.stage, s.members, s.share])).toEqual([
        ['new', 3, 0.25],
        ['active', 3, 0.25],
        ['at_risk', 2, 0.1667],
        ['sleeping', 2, 0.1667],
        ['lost', 2, 0.1667],
      ]);
    });

    it('lists a stage most recent first, paged, with the total of all pages', async () => {
      // new: A 03-01, B 02-08, M 03-02 -> M, A, B
      const first = await queries.members({ asOfDay: AS_OF, stage: 'new', limit: 2 });
      expect(first.items.map((m) => m.memberId)).toEqual(['M', 'A']);
      expect(first).toMatchObject({ total: 3, stage: 'new', limit: 2, offset: 0 });
      const second = await queries.members({ asOfDay: AS_OF, stage: 'new', limit: 2, offset: 2 });
      expect(second.items.map((m) => m.memberId)).toEqual(['B']);
      const past = await queries.members({ asOfDay: AS_OF, stage: 'new', limit: 2, offset: 10 });
      expect(past).toMatchObject({ total: 3, items: [] });
      const lost = await queries.members({ asOfDay: AS_OF, stage: 'lost', limit: 10 });
      expect(lost.items.map((m) => [m.memberId, m.recencyDays])).toEqual([
        ['J', 181],
        ['L', 282],
      ]);
    });

    it('stages as of an earlier day from the orders paid by then', async () => {
      // As of 2026-02-08: B's order is that day (new, 0 days); A, D, M, the later orders of nobody else.
      const page = await queries.members({ asOfDay: '2026-02-08', limit: 100 });
      expect(page.items.map((m) => m.memberId)).not.toContain('A');
      expect(page.items.find((m) => m.memberId === 'B')).toMatchObject({ stage: 'new', recencyDays: 0 });
      expect(page.items.find((m) => m.memberId === 'E')).toMatchObject({ stage: 'active', recencyDays: 30 });
    });
  });

  it('answers as the domain does for any facts, inserted in any order and some twice', async () => {
    const members = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
    const categories = ['c1', 'c2', 'c3'];
    const fact = fc.record({
      memberId: fc.constantFrom(...members),
      dayIndex: fc.integer({ min: 0, max: 400 }),
      minute: fc.integer({ min: 0, max: 1439 }),
      amount: fc.integer({ min: 1, max: 5000 }),
      refund: fc.constantFrom('none', 'part', 'full'),
      categories: fc.subarray(categories),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fact, { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (generated, keys, repeats) => {
          const orders: LifecycleOrderFact[] = generated.map((g, i) => {
            const paid = new Date(
              Date.UTC(2025, 1, 1) + g.dayIndex * 86_400_000 + g.minute * 60_000 - 8 * 3_600_000,
            );
            return {
              orderId: `g${String(i).padStart(3, '0')}`,
              memberId: g.memberId,
              // Asia/Shanghai has no daylight saving: the day is the UTC+8 date.
              day: new Date(paid.getTime() + 8 * 3_600_000).toISOString().slice(0, 10),
              paidAt: paid.toISOString(),
              amount: g.amount,
              refunded: g.refund === 'none' ? 0 : g.refund === 'full' ? g.amount : Math.floor(g.amount / 2),
              categories: g.categories,
            };
          });
          const rows = factRows(orders, 2);
          const order = [...rows.keys()].sort(
            (a, b) => keys[a % keys.length] - keys[b % keys.length] || a - b,
          );
          await load([...order.map((i) => rows[i]), ...repeats.map((i) => rows[i % rows.length])]);

          const asOf = '2026-02-20';
          const expectedMembers = memberLifecycles(orders, asOf, T);
          const page = await queries.members({ asOfDay: asOf, limit: 500 });
          expect([...page.items].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))).toEqual(expectedMembers);
          const stages = await queries.stages(asOf);
          expect(stages.members).toBe(expectedMembers.length);
          for (const s of stages.stages) {
            expect([s.stage, s.members]).toEqual([
              s.stage,
              expectedMembers.filter((m) => m.stage === s.stage).length,
            ]);
          }
          expect((await queries.repurchase({ from: '2025-03-01', to: '2025-12-31' })).categories).toEqual(
            repurchaseByCategory(orders, '2025-03-01', '2025-12-31'),
          );
          expect(
            (await queries.cohorts({ from: '2025-01', to: '2026-01', asOfDay: asOf, horizon: 6 })).cohorts,
          ).toEqual(cohortRetention(orders, '2025-01', '2026-01', asOf, 6));
        },
      ),
      { numRuns: 25, seed: 20260310 },
    );
  });

  it('leaves the stage of a member with no paid order out, and answers empty tables', async () => {
    await load([]);
    const body = await queries.stages(AS_OF);
    expect(body.members).toBe(0);
    expect(body.stages.map((s) => s.share)).toEqual([null, null, null, null, null]);
    expect((await queries.repurchase({ from: '2026-01-01', to: '2026-03-31' })).categories).toEqual([]);
    const cohorts = await queries.cohorts({ from: '2026-03', to: '2026-03', asOfDay: AS_OF, horizon: 12 });
    expect(cohorts.cohorts).toEqual([{ month: '2026-03', members: 0, retention: [] }]);
    const stage: LifecycleStage = 'lost';
    expect((await queries.members({ asOfDay: AS_OF, stage, limit: 10 })).total).toBe(0);
  });
});
