import { planShop, PlanOptions } from './shop-plan';

describe('shop plan', () => {
  const options: PlanOptions = {
    seed: 7,
    shoppers: 120,
    historyDays: 120,
    prefix: 'sim7',
    today: '2026-12-02',
    timeZone: 'Asia/Shanghai',
  };

  it('is the same for the same seed: catalog, members, history and live day', () => {
    expect(planShop(options)).toEqual(planShop(options));
  });

  it('differs for another seed', () => {
    const a = planShop(options);
    const b = planShop({ ...options, seed: 8 });
    expect(b.catalog.skus.map((s) => s.price)).not.toEqual(a.catalog.skus.map((s) => s.price));
    expect(b.liveDay.sessions.map((s) => s.hour)).not.toEqual(a.liveDay.sessions.map((s) => s.hour));
  });

  it('keeps each part to its own stream: a longer history leaves the catalog and the live day alone', () => {
    const a = planShop(options);
    const b = planShop({ ...options, historyDays: 200 });
    expect(b.catalog).toEqual(a.catalog);
    expect(b.members).toEqual(a.members);
    expect(b.liveDay).toEqual(a.liveDay);
    expect(b.history.orders.map((o) => o.daysAgo)).not.toEqual(a.history.orders.map((o) => o.daysAgo));
  });
});
