import type { Tier } from './member.aggregate';

/** Lower bounds of the 12-month net spend, in minor units, for each tier above SILVER. */
export interface TierThresholds {
  gold: number;
  black: number;
}

/** docs/contract.md section 6: GOLD at 5,000.00, BLACK at 50,000.00 (overridable by environment). */
export const DEFAULT_TIER_THRESHOLDS: TierThresholds = { gold: 500_000, black: 5_000_000 };

export function tierForNetSpend(netSpend: number, thresholds: TierThresholds): Tier {
  if (netSpend >= thresholds.black) return 'BLACK';
  if (netSpend >= thresholds.gold) return 'GOLD';
  return 'SILVER';
}

/** 1 point per 1.00 paid: whole units of the amount in minor units. */
export function pointsForAmount(amountMinor: number): number {
  return amountMinor > 0 ? Math.floor(amountMinor / 100) : 0;
}
