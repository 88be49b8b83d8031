import type { EventEnvelope } from '@ecom/contracts';
import { cst, EventFactory } from '../../test/event-factory';

/** The Sundays of the scenario: four weeks of history, then 2026-03-01, the day evaluated. */
export const SUNDAYS = ['2026-02-01', '2026-02-08', '2026-02-15', '2026-02-22', '2026-03-01'];
export const DAY = '2026-03-01';

/** A deterministic PRNG (mulberry32): the same seed gives the same "random" day on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface HourPlan {
  visitors: number;
  /** Of the visitors, how many pay one order each. */
  payers: number;
  /** Each paying order's amount, in minor units. */
  amount: (i: number) => number;
  /** Declined payment attempts (each on its own unpaid order). */
  failures: number;
}

/**
 * An hour's events: each visitor views a page at minute 1 + (i mod 50); the first `payers` of them
 * pay an order at minute 55; the failures are declined at minute 56. Visitor and order ids are unique
 * per day and hour.
 */
export function hourEvents(f: EventFactory, day: string, hour: number, plan: HourPlan): void {
  const hh = String(hour).padStart(2, '0');
  for (let i = 0; i < plan.visitors; i++) {
    const visitorId = `v-${day}-${hh}-${i}`;
    const mm = String(1 + (i % 50)).padStart(2, '0');
    const at = cst(`${day} ${hh}:${mm}`);
    f.make('PageViewed', { visitorId, memberId: null, channel: 'web', occurredAt: at }, at);
    if (i < plan.payers) {
      f.make(
        'OrderPaid',
        {
          orderId: `o-${day}-${hh}-${i}`,
          memberId: `m-${i % 7}`,
          visitorId,
          channel: 'web',
          amount: plan.amount(i),
          currency: 'CNY',
          method: 'card',
          paymentId: `p-${day}-${hh}-${i}`,
        },
        cst(`${day} ${hh}:55`),
      );
    }
  }
  for (let i = 0; i < plan.failures; i++) {
    f.make(
      'PaymentFailed',
      {
        orderId: `o-${day}-${hh}-f${i}`,
        memberId: `m-${i % 7}`,
        amount: 10_000,
        currency: 'CNY',
        method: 'card',
        reason: 'card declined',
      },
      cst(`${day} ${hh}:56`),
    );
  }
}

/** Ordinary noise: every count within ±10 % of its hour's base, amounts within ±10 % of 100.00. */
export function noisyPlan(random: () => number, base: { visitors: number; payers: number }): HourPlan {
  const jitter = (n: number) => Math.round(n * (0.9 + 0.2 * random()));
  const amounts = Array.from({ length: base.payers * 2 }, () => Math.round(10_000 * (0.9 + 0.2 * random())));
  return {
    visitors: jitter(base.visitors),
    payers: jitter(base.payers),
    amount: (i) => amounts[i],
    failures: random() < 0.5 ? 1 : 2,
  };
}

/** Busy hours 09:00-22:00 (30 visitors, 12 payers), quiet nights (5 visitors, 2 payers). */
export const baseOf = (hour: number) =>
  hour >= 9 && hour <= 22 ? { visitors: 30, payers: 12 } : { visitors: 5, payers: 2 };

/**
 * Five Sundays of ordinary noise (seeded), except 11:00 and 12:00, which are written out so that the
 * expected values are computed by hand: at 11:00 the weeks had 30 visitors and 12, 12, 10, 14 payers
 * (conversion 0.4, 0.4, 0.333, 0.467: median 0.4); at 12:00 30 visitors and 12 payers every week.
 * On 2026-03-01 at 11:00 120 visitors come and the usual 12 pay (conversion 0.1: a 75 % drop; GMV as
 * usual); at 12:00 the shop is back to 30 and 12 (0.4: cleared).
 */
export function anomalyScenario(seed = 20260301): EventEnvelope[] {
  const random = prng(seed);
  const f = new EventFactory();
  const flat = () => 10_000;
  SUNDAYS.forEach((day, week) => {
    for (let hour = 0; hour < 24; hour++) {
      if (hour === 11) {
        const payers = [12, 12, 10, 14, 12][week];
        hourEvents(f, day, hour, { visitors: day === DAY ? 120 : 30, payers, amount: flat, failures: 2 });
      } else if (hour === 12) {
        hourEvents(f, day, hour, { visitors: 30, payers: 12, amount: flat, failures: 2 });
      } else {
        hourEvents(f, day, hour, noisyPlan(random, baseOf(hour)));
      }
    }
  });
  return f.events;
}
