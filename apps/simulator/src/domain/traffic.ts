import { RETURN_REASONS, type ReturnReasonCode } from '@ecom/contracts/return-reasons';
import { Prng } from './prng';

/** Relative traffic per hour of the day (0-23): quiet nights, a lunch bump, the evening peak at 20-21. */
export const HOURLY_TRAFFIC = [
  0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 1.0, 1.1, 1.2, 1.2, 1.3, 1.1, 1.0, 1.0, 1.1, 1.2, 1.5, 1.9, 3.0,
  2.6, 1.4, 0.8,
] as const;

/** The peak hour: most concurrent shoppers, and the flash sale opens at its start. */
export const PEAK_HOUR = 20;

export const CHANNELS = ['web', 'app', 'mini_program'] as const;
const CHANNEL_SHARE = [0.45, 0.4, 0.15];

/** Shares of the return reasons, in the order of RETURN_REASONS. */
const RETURN_REASON_SHARE = [0.35, 0.25, 0.15, 0.15, 0.1];

export const PAYMENT_METHODS = ['alipay', 'wechat_pay', 'card'] as const;
const PAYMENT_METHOD_SHARE = [0.45, 0.4, 0.15];

export function pickChannel(prng: Prng): string {
  return prng.weighted(CHANNELS, CHANNEL_SHARE);
}

export function pickReturnReason(prng: Prng): ReturnReasonCode {
  return prng.weighted(RETURN_REASONS, RETURN_REASON_SHARE);
}

export function pickPaymentMethod(prng: Prng): string {
  return prng.weighted(PAYMENT_METHODS, PAYMENT_METHOD_SHARE);
}

/** An hour of the day, as likely as its traffic; `lastHour` cuts the day short. */
export function pickHour(prng: Prng, lastHour = 23): number {
  const hours = HOURLY_TRAFFIC.slice(0, lastHour + 1).map((_, h) => h);
  return prng.weighted(hours, HOURLY_TRAFFIC.slice(0, lastHour + 1));
}

/** A SKU code, as likely as its popularity. */
export function pickSku(prng: Prng, skus: readonly { code: string; popularity: number }[]): string {
  return prng.weighted(
    skus.map((s) => s.code),
    skus.map((s) => s.popularity),
  );
}
