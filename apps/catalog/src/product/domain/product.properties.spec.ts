import fc from 'fast-check';
import { DomainError, foldEvents } from '@ecom/event-sourcing/domain';
import { initialProductState, ProductAggregate, ProductEvent, ProductState } from './product.aggregate';
import {
  addSku,
  CategoryFacts,
  changeProductDetails,
  changeSkuCost,
  changeSkuPrice,
  createProduct,
  discontinueSku,
  publishProduct,
  unpublishProduct,
} from './product.decisions';

const CATEGORIES: Record<string, CategoryFacts> = {
  leafA: { id: 'leafA', leaf: true },
  leafB: { id: 'leafB', leaf: true },
  branch: { id: 'branch', leaf: false },
};
const CODES = ['S1', 'S2', 'S3'];

type Command =
  | { kind: 'price'; code: string; price: number }
  | { kind: 'cost'; code: string; cost: number | null }
  | { kind: 'add'; code: string; price: number }
  | { kind: 'discontinue'; code: string }
  | { kind: 'publish' }
  | { kind: 'unpublish' }
  | { kind: 'move'; category: string };

const code = fc.constantFrom(...CODES);
// Mostly valid prices, with some the rules must refuse.
const price = fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(0, -1, 1.5));
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('price' as const), code, price }),
  fc.record({
    kind: fc.constant('cost' as const),
    code,
    cost: fc.option(fc.integer({ min: -2, max: 100_000 })),
  }),
  fc.record({ kind: fc.constant('add' as const), code, price }),
  fc.record({ kind: fc.constant('discontinue' as const), code }),
  fc.constant({ kind: 'publish' as const }),
  fc.constant({ kind: 'unpublish' as const }),
  fc.record({ kind: fc.constant('move' as const), category: fc.constantFrom(...Object.keys(CATEGORIES)) }),
);

function decide(state: ProductState, c: Command): ProductEvent[] {
  switch (c.kind) {
    case 'price':
      return changeSkuPrice(state, { productId: 'p', code: c.code, price: c.price });
    case 'cost':
      return changeSkuCost(state, { productId: 'p', code: c.code, cost: c.cost });
    case 'add':
      return addSku(state, { productId: 'p', sku: { code: c.code, price: c.price } });
    case 'discontinue':
      return discontinueSku(state, { productId: 'p', code: c.code });
    case 'publish':
      return publishProduct(state, { productId: 'p', category: CATEGORIES[state.categoryId] });
    case 'unpublish':
      return unpublishProduct(state, { productId: 'p' });
    case 'move':
      return changeProductDetails(state, { productId: 'p', category: CATEGORIES[c.category] });
  }
}

describe('Product decisions (properties)', () => {
  it('keep every invariant under any sequence of commands, and replaying the log gives the same state', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('leafA', 'branch'),
        fc.array(fc.record({ code, price: fc.integer({ min: 1, max: 1_000_000 }) }), { maxLength: 2 }),
        fc.array(command, { maxLength: 40 }),
        (categoryId, initialSkus, commands) => {
          const skus = initialSkus.filter((s, i) => initialSkus.findIndex((o) => o.code === s.code) === i);
          const log: ProductEvent[] = createProduct(initialProductState, {
            productId: 'p',
            title: 'T',
            category: CATEGORIES[categoryId],
            skus,
          });
          let state = foldEvents(ProductAggregate, log);
          for (const c of commands) {
            let events: ProductEvent[];
            try {
              events = decide(state, c);
            } catch (error) {
              // A refusal is always a domain error (mapped to 4xx), never a crash.
              expect(error).toBeInstanceOf(DomainError);
              continue;
            }
            for (const event of events) {
              if (event.type === 'SkuPriceChanged') {
                const before = state.skus.find((s) => s.code === event.data.sku)!;
                expect(event.data.previousPrice).toBe(before.price);
                expect(event.data.price).not.toBe(before.price);
              }
            }
            state = foldEvents(ProductAggregate, events, state);
            log.push(...events);

            // Invariants of every reachable state.
            for (const sku of state.skus) {
              expect(Number.isSafeInteger(sku.price) && sku.price > 0).toBe(true);
              expect(sku.cost === null || (Number.isSafeInteger(sku.cost) && sku.cost >= 0)).toBe(true);
            }
            expect(new Set(state.skus.map((s) => s.code)).size).toBe(state.skus.length);
            if (state.status === 'LISTED') {
              expect(state.skus.some((s) => s.status === 'ACTIVE' && s.price > 0)).toBe(true);
              expect(CATEGORIES[state.categoryId].leaf).toBe(true);
            }
          }
          // The state is a pure function of the log (what a reload or a rebuild relies on).
          expect(foldEvents(ProductAggregate, log)).toEqual(state);
          // And survives a JSON snapshot round trip unchanged.
          expect(JSON.parse(JSON.stringify(state))).toEqual(state);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('concurrent price changes retried on version conflict never lose an update, in any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.uniqueArray(fc.integer({ min: 2, max: 1_000_000 }), { minLength: 2, maxLength: 12 }),
        async (s, prices) => {
          // An in-memory stream with the event store's optimistic check: append only at the version read.
          const stream: ProductEvent[] = createProduct(initialProductState, {
            productId: 'p',
            title: 'T',
            category: CATEGORIES.leafA,
            skus: [{ code: 'HOT', price: 1 }],
          });
          const execute = async (target: number) => {
            for (;;) {
              const version = stream.length;
              const state = foldEvents(ProductAggregate, stream);
              await s.schedule(Promise.resolve(), `decide ${target} at v${version}`);
              const events = changeSkuPrice(state, { productId: 'p', code: 'HOT', price: target });
              await s.schedule(Promise.resolve(), `append ${target}`);
              if (stream.length !== version) {
                continue;
              }
              stream.push(...events);
              return;
            }
          };
          const all = Promise.all(prices.map((p) => execute(p)));
          await s.waitAll();
          await all;

          const changes = stream.filter(
            (e): e is Extract<ProductEvent, { type: 'SkuPriceChanged' }> => e.type === 'SkuPriceChanged',
          );
          expect(changes).toHaveLength(prices.length);
          expect(changes.map((e) => e.data.price).sort((a, b) => a - b)).toEqual(
            [...prices].sort((a, b) => a - b),
          );
          let previous = 1;
          for (const change of changes) {
            expect(change.data.previousPrice).toBe(previous);
            previous = change.data.price;
          }
          expect(foldEvents(ProductAggregate, stream).skus[0].price).toBe(previous);
        },
      ),
      { numRuns: 100 },
    );
  });
});
