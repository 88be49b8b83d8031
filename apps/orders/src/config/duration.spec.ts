import { parseDuration } from './duration';
import { readOrdersSettings } from './orders.settings';

describe('durations and settings', () => {
  it.each([
    ['15m', 900_000],
    ['3s', 3000],
    ['7d', 604_800_000],
    ['250ms', 250],
    ['1500', 1500],
    ['1.5s', 1500],
    [2000, 2000],
  ])('parses %p as %p ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each(['', 'soon', '5 minutes', '-3s', '3w'])('refuses %p naming the setting', (input) => {
    expect(() => parseDuration(input, 'ORDER_PAYMENT_TIMEOUT')).toThrow(/ORDER_PAYMENT_TIMEOUT/);
  });

  it('defaults to a 15 minute payment timeout and a 7 day return window', () => {
    expect(readOrdersSettings({})).toMatchObject({
      paymentTimeoutMs: 900_000,
      returnWindowMs: 604_800_000,
      paymentFailureRate: 0,
      idempotencyTtlMs: 86_400_000,
    });
    expect(() => readOrdersSettings({ PAYMENT_SIMULATOR_FAILURE_RATE: '1.5' })).toThrow(/between 0 and 1/);
  });
});
