import { createEventSchemaRegistry } from './index';
import { experimentsProblem } from './storefront.events';

/** The optional A/B test assignments on storefront behaviour and OrderPlaced (docs/contract.md). */
describe('experiments on events', () => {
  const registry = createEventSchemaRegistry();
  const pageViewed = (extra: Record<string, unknown>) => ({
    visitorId: 'v-1',
    memberId: null,
    channel: 'web',
    ...extra,
  });
  const orderPlaced = (extra: Record<string, unknown>) => ({
    orderId: 'o-1',
    memberId: 'm-1',
    visitorId: 'v-1',
    channel: null,
    cartId: null,
    lines: [{ sku: 'A', quantity: 1, unitPrice: 100, lineTotal: 100 }],
    total: 100,
    currency: 'CNY',
    shippingRegion: null,
    ...extra,
  });

  it('are optional: events written before the field stay valid', () => {
    expect(() => registry.validateData('PageViewed', 1, pageViewed({}))).not.toThrow();
    expect(() => registry.validateData('OrderPlaced', 1, orderPlaced({}))).not.toThrow();
  });

  it('carry up to 8 experiment keys with their variants', () => {
    const eight = Object.fromEntries([...Array(8).keys()].map((i) => [`exp.${i}`, 'B-2']));
    for (const [type, data] of [
      ['PageViewed', pageViewed({ experiments: eight })],
      ['ProductViewed', pageViewed({ sku: 'A', experiments: { checkout_v2: 'control' } })],
      ['Searched', pageViewed({ query: 'tee', experiments: {} })],
      ['OrderPlaced', orderPlaced({ experiments: eight })],
    ] as const) {
      expect(() => registry.validateData(type, 1, data)).not.toThrow();
    }
  });

  it('refuse a ninth key, a malformed key or variant, and a non-string variant', () => {
    const nine = Object.fromEntries([...Array(9).keys()].map((i) => [`e${i}`, 'A']));
    for (const experiments of [
      nine,
      { 'bad key': 'A' },
      { ['k'.repeat(65)]: 'A' },
      { ok: 'a/b' },
      { ok: '' },
      { ok: 1 },
      ['A'],
    ]) {
      expect(() => registry.validateData('PageViewed', 1, pageViewed({ experiments }))).toThrow(
        /PageViewed v1 data invalid/,
      );
      expect(() => registry.validateData('OrderPlaced', 1, orderPlaced({ experiments }))).toThrow(
        /OrderPlaced v1 data invalid/,
      );
    }
  });

  it('allows at most 8 experiments of well-formed keys and variants, naming the field', () => {
    expect(experimentsProblem({ 'checkout.v2': 'B', hero_banner: 'control-1' })).toBeNull();
    expect(experimentsProblem({})).toBeNull();
    const nine = Object.fromEntries([...Array(9).keys()].map((i) => [`e${i}`, 'A']));
    expect(experimentsProblem(nine)).toBe('experiments has 9 experiments, at most 8 allowed');
    expect(experimentsProblem({ 'bad key': 'A' })).toMatch(/^experiments key "bad key" must be/);
    expect(experimentsProblem({ ok: 'a/b' })).toMatch(/^experiments\.ok must be a variant/);
    expect(experimentsProblem({ ok: 'x'.repeat(65) })).toMatch(/^experiments\.ok must be/);
    expect(experimentsProblem({ ok: 3 })).toMatch(/^experiments\.ok must be/);
    expect(experimentsProblem(['A'], 'events.0.experiments')).toBe(
      'events.0.experiments must be an object of experiment key to variant',
    );
  });
});
