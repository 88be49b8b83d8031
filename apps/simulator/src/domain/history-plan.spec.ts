import { planCatalog } from './catalog-plan';
import { addDays, dayOf, daysBetween } from '@ecom/analytics-read-models/calendar';
import { ACTIVE_WITHIN_DAYS, dailyDemand, planHistory, SLEEPING_FROM_DAYS } from './history-plan';
import { Prng } from './prng';

describe('history plan', () => {
  const today = '2026-12-02';
  const timeZone = 'Asia/Shanghai';
  const catalog = planCatalog(new Prng(1), { shoppers: 400, prefix: 'sim5' });
  const options = { shoppers: 400, historyDays: 180, prefix: 'sim5', today, timeZone };
  const plan = planHistory(new Prng(5), catalog, options);
  const ago = (instant: string) => daysBetween(dayOf(instant, timeZone), today);

  it('dates every order, payment and refund before today, each after the one before', () => {
    for (const { line } of plan.orders) {
      expect(ago(line.placedAt)).toBeGreaterThanOrEqual(1);
      expect(ago(line.placedAt)).toBeLessThanOrEqual(180);
      if (line.paidAt) {
        expect(line.paidAt >= line.placedAt).toBe(true);
        // Paid on the day it was placed: the GMV day is the day the order was placed.
        expect(dayOf(line.paidAt, timeZone)).toBe(dayOf(line.placedAt, timeZone));
      }
      for (const refund of line.refunds ?? []) {
        expect(line.paidAt && refund.at > line.paidAt).toBeTruthy();
        expect(ago(refund.at)).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('keeps totals and refunds consistent: integer minor units, refunds at most the total', () => {
    const refunded = plan.orders.filter((o) => o.line.refunds);
    expect(refunded.length).toBeGreaterThan(20);
    for (const order of plan.orders) {
      const total = order.line.items.reduce((sum, i) => sum + i.quantity * i.price, 0);
      expect(order.total).toBe(total);
      expect(order.line.items.every((i) => Number.isInteger(i.price) && i.price > 0)).toBe(true);
      const refunds = (order.line.refunds ?? []).reduce((sum, r) => sum + r.amount, 0);
      expect(refunds).toBeLessThanOrEqual(total);
      expect(order.line.items.some((i) => i.sku === catalog.flashSku)).toBe(false);
    }
  });

  it('lets about 30% of customers sleep, with no last order near the 90-day line', () => {
    const sleeping = plan.customers.filter((c) => c.sleeping);
    expect(sleeping.length / plan.customers.length).toBeGreaterThan(0.2);
    expect(sleeping.length / plan.customers.length).toBeLessThan(0.4);
    for (const customer of plan.customers) {
      const own = plan.orders.filter((o) => o.line.customerRef === customer.customerRef);
      const lastPaid = Math.min(...own.filter((o) => o.line.paidAt).map((o) => ago(o.line.paidAt!)));
      const lastPlaced = Math.min(...own.map((o) => ago(o.line.placedAt)));
      expect(lastPaid).toBe(lastPlaced);
      if (customer.sleeping) expect(lastPaid).toBeGreaterThanOrEqual(SLEEPING_FROM_DAYS);
      else expect(lastPaid).toBeLessThanOrEqual(ACTIVE_WITHIN_DAYS);
    }
  });

  it('numbers the orders in the order they were placed, each source id once', () => {
    const ids = plan.orders.map((o) => o.line.sourceOrderId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe('SIM5-SO0000001');
    const placed = plan.orders.map((o) => o.line.placedAt);
    expect([...placed].sort()).toEqual(placed);
  });

  it('has busier weekends and a sale, and no history (or no sleepers) when the days are few', () => {
    const demand = dailyDemand(today, 180);
    const saleDay = Math.round(180 * 0.45);
    expect(demand[saleDay]).toBeGreaterThan(3 * demand[saleDay + 7]);
    const saturday = [1, 2, 3, 4, 5, 6, 7].find(
      (n) => new Date(`${addDays(today, -n)}T00:00:00Z`).getUTCDay() === 6,
    )!;
    expect(demand[saturday]).toBeGreaterThan(demand[saturday + 2]);
    expect(planHistory(new Prng(5), catalog, { ...options, historyDays: 0 }).orders).toEqual([]);
    const short = planHistory(new Prng(5), catalog, { ...options, historyDays: 60 });
    expect(short.customers.some((c) => c.sleeping)).toBe(false);
    expect(short.orders.every((o) => ago(o.line.placedAt) <= 60)).toBe(true);
  });
});
