import type { CatalogPlan } from './catalog-plan';
import { CHECKOUT_CHANCE, Variant, variantOf } from './experiment';
import { Prng } from './prng';
import {
  HOURLY_TRAFFIC,
  PEAK_HOUR,
  pickChannel,
  pickHour,
  pickPaymentMethod,
  pickReturnReason,
  pickSku,
} from './traffic';
import type { ReturnReasonCode } from '@ecom/contracts/return-reasons';

export type Checkout = 'rest' | 'grpc';

export interface ReturnPlan {
  sku: string;
  quantity: number;
  reason: ReturnReasonCode;
  note?: string;
  /** What the back office decides: approve, receive and refund it, or reject it. */
  outcome: 'refund' | 'reject';
}

/** What happens to a paid order after the session: shipped, delivered, confirmed or returned. */
export interface FulfilmentPlan {
  ship: boolean;
  deliver: boolean;
  confirmReceipt: boolean;
  return: ReturnPlan | null;
}

/** One visit of the live day, in the order a storefront would send it. */
export interface SessionPlan {
  index: number;
  visitorId: string;
  /** The visitor's variant of the checkout_copy experiment (a hash of the visitor id). */
  variant: Variant;
  /** Index of the registered shopper (members plan), or null for an anonymous visitor. */
  member: number | null;
  hour: number;
  channel: string;
  searches: string[];
  views: string[];
  /** Lines put in the cart; empty: no cart. */
  cart: { sku: string; quantity: number }[];
  /** How the cart is checked out (members only); null: abandoned. */
  checkout: Checkout | null;
  /** How the order is paid (and the method tried after a decline, if any); null: never paid, cancelled. */
  payment: { method: string; retryMethod: string | null } | null;
  /** Paid, then cancelled by the shopper (refunded in full). */
  cancelAfterPaying: boolean;
  fulfilment: FulfilmentPlan;
}

export interface FlashShopper {
  member: number;
  visitorId: string;
  /** The visitor's variant of the checkout_copy experiment (no effect on the race). */
  variant: Variant;
  channel: string;
  quantity: number;
  checkout: Checkout;
  method: string;
}

export interface FlashSalePlan {
  sku: string;
  hour: number;
  /**
   * Shoppers racing for the SKU (every third over gRPC), wave after wave: the first wave wants about
   * 1.8 times the stock at once; a later wave only runs while units are left (a winner who cannot pay
   * gives units back).
   */
  waves: FlashShopper[][];
}

export interface LiveDayPlan {
  sessions: SessionPlan[];
  flashSale: FlashSalePlan;
}

const NOTES = ['box was crushed', 'colour differs from the photo', 'too small', undefined, undefined];

/** Sessions allowed to run at once in an hour: `base` on an average hour, three times that at the peak. */
export function concurrencyFor(hour: number, base: number): number {
  const mean = HOURLY_TRAFFIC.reduce((sum, w) => sum + w, 0) / HOURLY_TRAFFIC.length;
  return Math.max(1, Math.round((base * HOURLY_TRAFFIC[hour]) / mean));
}

/**
 * Half of the shoppers visit (signed in), plus anonymous visitors worth 15% of them. A visit views
 * a few SKUs (popular ones more often), sometimes searches, and about half the time fills a cart;
 * signed-in shoppers check out most carts (72% in the checkout_copy experiment's control, 80% with
 * the urgency copy; every fourth over gRPC), pay most orders (trying a
 * second method after a decline now and then) and cancel the rest. Paid orders are mostly shipped
 * and delivered; about one in eight deliveries comes back with a reason. The flash SKU is kept out
 * of every session: only the flash sale sells it, and none of its orders is cancelled or returned.
 */
export function planLiveDay(
  prng: Prng,
  catalog: CatalogPlan,
  options: {
    shoppers: number;
    prefix: string;
    flashUnits: number;
    /** The experiment's assignment: the storefronts' hash of the visitor id unless a test forces one. */
    variantOf?: (visitorId: string) => Variant;
  },
): LiveDayPlan {
  const assign = options.variantOf ?? variantOf;
  const skus = catalog.skus.filter((s) => s.code !== catalog.flashSku);
  const members = prng.sample(
    Array.from({ length: options.shoppers }, (_, i) => i),
    Math.round(options.shoppers * 0.5),
  );
  const anonymous = Math.round(options.shoppers * 0.15);
  const visitors: (number | null)[] = prng.shuffle([...members, ...Array<null>(anonymous).fill(null)]);

  let checkouts = 0;
  const sessions = visitors.map((member, index): SessionPlan => {
    const visitorId = `${options.prefix}-v${String(index + 1).padStart(6, '0')}`;
    const variant = assign(visitorId);
    const views = Array.from({ length: prng.chance(0.9) ? prng.int(1, 4) : 0 }, () => pickSku(prng, skus));
    const searches = Array.from({ length: prng.chance(0.45) ? prng.int(1, 2) : 0 }, () =>
      prng.pick(catalog.searchTerms),
    );
    const cartSkus =
      views.length > 0 && prng.chance(0.55) ? prng.sample([...new Set(views)], prng.int(1, 3)) : [];
    const cart = cartSkus.map((sku) => ({ sku, quantity: prng.chance(0.8) ? 1 : 2 }));
    // One draw as before the experiment: only its threshold follows the variant. Every fourth
    // checkout goes over gRPC, so even a small run uses both APIs.
    const checkout: Checkout | null =
      member !== null && cart.length > 0 && prng.chance(CHECKOUT_CHANCE[variant])
        ? checkouts++ % 4 === 3
          ? 'grpc'
          : 'rest'
        : null;
    const method = pickPaymentMethod(prng);
    const payment =
      checkout && prng.chance(0.88)
        ? { method, retryMethod: prng.chance(0.6) ? pickPaymentMethod(prng) : null }
        : null;
    const cancelAfterPaying = payment !== null && prng.chance(0.04);
    const ship = payment !== null && !cancelAfterPaying && prng.chance(0.85);
    const deliver = ship && prng.chance(0.85);
    const returned = deliver && prng.chance(0.12);
    const line = cart[0];
    return {
      index,
      visitorId,
      variant,
      member,
      hour: pickHour(prng),
      channel: pickChannel(prng),
      searches,
      views,
      cart,
      checkout,
      payment,
      cancelAfterPaying,
      fulfilment: {
        ship,
        deliver,
        confirmReceipt: deliver && !returned && prng.chance(0.5),
        return: returned
          ? {
              sku: line.sku,
              quantity: 1,
              reason: pickReturnReason(prng),
              note: prng.pick(NOTES),
              outcome: prng.chance(0.8) ? 'refund' : 'reject',
            }
          : null,
      },
    };
  });

  const waveSizes = [
    Math.ceil(options.flashUnits * 1.5),
    ...Array<number>(3).fill(Math.ceil(options.flashUnits / 2)),
  ];
  const racers = prng.shuffle(Array.from({ length: options.shoppers }, (_, i) => i));
  let next = 0;
  const waves = waveSizes.map((size, w) =>
    Array.from({ length: size }, (_, n): FlashShopper => {
      const member = racers[next++ % racers.length];
      const visitorId = `${options.prefix}-f${w + 1}-${String(n + 1).padStart(4, '0')}`;
      return {
        member,
        visitorId,
        variant: assign(visitorId),
        channel: pickChannel(prng),
        quantity: prng.chance(0.75) ? 1 : 2,
        checkout: n % 3 === 2 ? 'grpc' : 'rest',
        method: pickPaymentMethod(prng),
      };
    }),
  );
  return { sessions, flashSale: { sku: catalog.flashSku, hour: PEAK_HOUR, waves } };
}
