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

  it('reads the checkout limits, with defaults the benchmark shoppers stay under', () => {
    expect(readOrdersSettings({}).checkout).toEqual({
      perMember: { perSecond: 20, burst: 60 },
      perVisitor: { perSecond: 20, burst: 60 },
      maxUnpaidPerMember: 200,
    });
    expect(
      readOrdersSettings({ ORDER_RATE_PER_MEMBER: '0.5', ORDER_MAX_UNPAID_PER_MEMBER: '20' }).checkout,
    ).toMatchObject({ perMember: { perSecond: 0.5, burst: 60 }, maxUnpaidPerMember: 20 });
    expect(() => readOrdersSettings({ ORDER_BURST_PER_VISITOR: '2.5' })).toThrow(/ORDER_BURST_PER_VISITOR/);
    expect(() => readOrdersSettings({ ORDER_MAX_UNPAID_PER_MEMBER: '0' })).toThrow(/positive integer/);
    expect(() => readOrdersSettings({ ORDER_RATE_PER_MEMBER: 'fast' })).toThrow(/ORDER_RATE_PER_MEMBER/);
  });
});
