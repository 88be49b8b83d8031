import { planCatalog } from './catalog-plan';
import { concurrencyFor, planLiveDay } from './live-day-plan';
import { Prng } from './prng';
import { PEAK_HOUR } from './traffic';

describe('live-day plan', () => {
  const catalog = planCatalog(new Prng(1), { shoppers: 1000, prefix: 'sim6' });
  const plan = planLiveDay(new Prng(6), catalog, { shoppers: 1000, prefix: 'sim6', flashUnits: 25 });
  const { sessions } = plan;

  it('brings half the shoppers and anonymous visitors worth 15% of them, each visitor once', () => {
    expect(sessions.filter((s) => s.member !== null)).toHaveLength(500);
    expect(sessions.filter((s) => s.member === null)).toHaveLength(150);
    expect(new Set(sessions.map((s) => s.member).filter((m) => m !== null)).size).toBe(500);
    expect(new Set(sessions.map((s) => s.visitorId)).size).toBe(sessions.length);
  });

  it('follows the storefront order: a cart after views, checkout for members with a cart, payment after checkout', () => {
    for (const s of sessions) {
      if (s.cart.length) expect(s.cart.every((line) => s.views.includes(line.sku))).toBe(true);
      if (s.checkout) expect(s.member !== null && s.cart.length > 0).toBe(true);
      if (s.payment) expect(s.checkout).not.toBeNull();
      if (s.cancelAfterPaying) expect(s.payment).not.toBeNull();
      if (s.fulfilment.ship) expect(s.payment && !s.cancelAfterPaying).toBeTruthy();
      if (s.fulfilment.deliver) expect(s.fulfilment.ship).toBe(true);
      if (s.fulfilment.return) {
        expect(s.fulfilment.deliver).toBe(true);
        expect(s.cart.map((l) => l.sku)).toContain(s.fulfilment.return.sku);
        expect(s.fulfilment.confirmReceipt).toBe(false);
      }
    }
    const checkouts = sessions.filter((s) => s.checkout);
    expect(checkouts.filter((s) => s.checkout === 'grpc')).toHaveLength(Math.floor(checkouts.length / 4));
    const flashGrpc = plan.flashSale.waves[0].filter((s) => s.checkout === 'grpc');
    expect(flashGrpc).toHaveLength(Math.floor(plan.flashSale.waves[0].length / 3));
    expect(sessions.filter((s) => s.fulfilment.return).length).toBeGreaterThan(5);
  });

  it('sells the flash SKU only in the flash sale, whose first wave wants more than the stock', () => {
    for (const s of sessions)
      expect([...s.views, ...s.cart.map((l) => l.sku)]).not.toContain(catalog.flashSku);
    const [first, ...reserve] = plan.flashSale.waves;
    expect(first.reduce((units, shopper) => units + shopper.quantity, 0)).toBeGreaterThan(25 * 1.5);
    expect(reserve.length).toBeGreaterThan(0);
    expect(plan.flashSale.hour).toBe(PEAK_HOUR);
    const visitors = plan.flashSale.waves.flat().map((s) => s.visitorId);
    expect(new Set([...visitors, ...sessions.map((s) => s.visitorId)]).size).toBe(
      visitors.length + sessions.length,
    );
  });

  it('is busiest at the peak hour, with three times the average concurrency', () => {
    const perHour = Array.from({ length: 24 }, (_, h) => sessions.filter((s) => s.hour === h).length);
    expect(Math.max(...perHour)).toBe(perHour[PEAK_HOUR]);
    expect(concurrencyFor(PEAK_HOUR, 6)).toBeGreaterThanOrEqual(15);
    expect(concurrencyFor(3, 6)).toBe(1);
  });
});
