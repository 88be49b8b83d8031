import { planCatalog } from './catalog-plan';
import { CHECKOUT_CHANCE, EXPERIMENT_KEY, experimentsOf, variantOf } from './experiment';
import { planLiveDay } from './live-day-plan';
import { Prng } from './prng';

describe('checkout_copy assignment', () => {
  it('is a stable hash of the visitor id: fixed answers, the same id always the same variant', () => {
    // Pinned, so a change of the hash (which would move every visitor of a replayed run) fails here.
    expect(
      ['sim7-v000001', 'sim7-v000002', 'sim7-v000003', 'sim7-v000004', 'sim7-f1-0001', 'a'].map(variantOf),
    ).toEqual(['urgency', 'urgency', 'control', 'urgency', 'urgency', 'control']);
    const ids = Array.from({ length: 200 }, (_, i) => `sim7-v${String(i + 1).padStart(6, '0')}`);
    const first = ids.map(variantOf);
    const again = [...ids].reverse().map(variantOf).reverse();
    expect(again).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['control', 'urgency']));
  });

  it('splits 10,000 visitor ids about half and half', () => {
    for (const prefix of ['sim7-v', 'sim42-f3-', 'x']) {
      const ids = Array.from({ length: 10_000 }, (_, i) => `${prefix}${String(i + 1).padStart(6, '0')}`);
      const urgency = ids.filter((id) => variantOf(id) === 'urgency').length;
      // Binomial(10,000, 0.5) has a standard deviation of 50: 4.5 of them either side.
      expect(urgency).toBeGreaterThan(4775);
      expect(urgency).toBeLessThan(5225);
    }
  });

  it('does not follow the last digit: neighbouring ids are not simply alternating', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `sim7-v${String(i + 1).padStart(6, '0')}`);
    const variants = ids.map(variantOf);
    const changes = variants.filter((v, i) => i > 0 && v !== variants[i - 1]).length;
    // Independent halves change about every other step (499.5 expected, SD ~16).
    expect(changes).toBeGreaterThan(430);
    expect(changes).toBeLessThan(570);
  });

  it('is sent as {checkout_copy: variant}', () => {
    expect(EXPERIMENT_KEY).toBe('checkout_copy');
    expect(experimentsOf('urgency')).toEqual({ checkout_copy: 'urgency' });
    expect(experimentsOf('control')).toEqual({ checkout_copy: 'control' });
  });
});

describe('the experiment in the live-day plan', () => {
  const shoppers = 20_000;
  const catalog = planCatalog(new Prng(1), { shoppers, prefix: 'sim9' });
  const plan = planLiveDay(new Prng(9), catalog, { shoppers, prefix: 'sim9', flashUnits: 60 });

  it("gives every visitor, sessions and flash shoppers, its id's variant", () => {
    for (const s of plan.sessions) expect(s.variant).toBe(variantOf(s.visitorId));
    for (const shopper of plan.flashSale.waves.flat())
      expect(shopper.variant).toBe(variantOf(shopper.visitorId));
  });

  it('checks out 72% of the control carts and 80% of the urgency carts of members', () => {
    expect(CHECKOUT_CHANCE).toEqual({ control: 0.72, urgency: 0.8 });
    const rate = (variant: string) => {
      const carts = plan.sessions.filter(
        (s) => s.member !== null && s.cart.length > 0 && s.variant === variant,
      );
      return { carts: carts.length, rate: carts.filter((s) => s.checkout !== null).length / carts.length };
    };
    const control = rate('control');
    const urgency = rate('urgency');
    // About 2,700 carts each: a standard error below 0.009 per rate.
    expect(control.carts).toBeGreaterThan(2000);
    expect(urgency.carts).toBeGreaterThan(2000);
    expect(Math.abs(control.rate - 0.72)).toBeLessThan(0.03);
    expect(Math.abs(urgency.rate - 0.8)).toBeLessThan(0.03);
    expect(urgency.rate).toBeGreaterThan(control.rate);
  });

  it('changes only the checkout threshold: the first sessions it tips over are the same before it', () => {
    // A plan where every visitor draws at 0.72 and one where every visitor draws at 0.8 agree on
    // every session up to the first cart the higher threshold checks out and the lower does not:
    // the draw is the same one, only its threshold moved.
    const forced = (variant: 'control' | 'urgency') =>
      planLiveDay(new Prng(9), catalog, {
        shoppers: 2000,
        prefix: 'sim9',
        flashUnits: 60,
        variantOf: () => variant,
      }).sessions;
    const low = forced('control');
    const high = forced('urgency');
    const first = low.findIndex((s, i) => (s.checkout === null) !== (high[i].checkout === null));
    expect(first).toBeGreaterThan(0);
    const strip = (s: (typeof low)[number]) => ({ ...s, variant: undefined });
    expect(high.slice(0, first).map(strip)).toEqual(low.slice(0, first).map(strip));
    expect(low[first].checkout).toBeNull();
    expect(high[first].checkout).not.toBeNull();
    expect(high[first]).toMatchObject({
      views: low[first].views,
      cart: low[first].cart,
      member: low[first].member,
    });
  });
});
