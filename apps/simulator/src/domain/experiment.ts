/** The A/B test the live day runs: the checkout page's copy, plain or with an urgency line. */
export const EXPERIMENT_KEY = 'checkout_copy';
export const EXPERIMENT_VARIANTS = ['control', 'urgency'] as const;
export type Variant = (typeof EXPERIMENT_VARIANTS)[number];

/**
 * The variant's effect in the plan: the chance that a signed-in shopper with a cart checks it out
 * (0.75 before the experiment). Modest, so a readout of a few thousand visitors can show it.
 */
export const CHECKOUT_CHANCE: Readonly<Record<Variant, number>> = { control: 0.72, urgency: 0.8 };

/**
 * The visitor's variant, as a storefront assigns it: a stable hash of the visitor id (FNV-1a, then
 * murmur3's finaliser so ids differing in their last digit spread over all 32 bits), the lower half
 * of the range control, the upper half urgency. No PRNG draw, so the seeded plan is otherwise
 * unchanged and the same id always lands in the same variant.
 */
export function variantOf(visitorId: string): Variant {
  let hash = 0x811c9dc5;
  for (let i = 0; i < visitorId.length; i++) {
    hash ^= visitorId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0 < 0x80000000 ? 'control' : 'urgency';
}

/** The `experiments` a storefront sends with the events and orders of a visitor in `variant`. */
export function experimentsOf(variant: Variant): Record<string, string> {
  return { [EXPERIMENT_KEY]: variant };
}
