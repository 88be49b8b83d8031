import { readAnalyticsSettings } from './settings';

describe('analytics settings', () => {
  it('score frequency on 2, 3, 4, 5 orders unless RFM_FREQUENCY_THRESHOLDS says otherwise', () => {
    expect(readAnalyticsSettings({}).rfm.frequencyThresholds).toEqual([2, 3, 4, 5]);
    expect(readAnalyticsSettings({ RFM_FREQUENCY_THRESHOLDS: '2,4,8,16' }).rfm.frequencyThresholds).toEqual([
      2, 4, 8, 16,
    ]);
  });

  it('answer co-purchase pairs bought together in 2 counted orders unless COPURCHASE_MIN_SUPPORT_ORDERS says otherwise', () => {
    expect(readAnalyticsSettings({}).copurchase).toEqual({ minSupportOrders: 2 });
    expect(readAnalyticsSettings({ COPURCHASE_MIN_SUPPORT_ORDERS: '5' }).copurchase).toEqual({
      minSupportOrders: 5,
    });
  });

  it('refuse frequency thresholds that do not rise from at least 1', () => {
    for (const value of ['3,2,4,5', '0,1,2,3']) {
      expect(() => readAnalyticsSettings({ RFM_FREQUENCY_THRESHOLDS: value })).toThrow(
        /RFM_FREQUENCY_THRESHOLDS/,
      );
    }
  });

  it('stage lifecycles at 30 / 60 / RFM_SLEEPING_DAYS / 180 days unless told otherwise', () => {
    expect(readAnalyticsSettings({}).lifecycle).toEqual({
      newDays: 30,
      activeDays: 60,
      sleepingDays: 90,
      lostDays: 180,
    });
    expect(
      readAnalyticsSettings({
        LIFECYCLE_NEW_DAYS: '7',
        LIFECYCLE_ACTIVE_DAYS: '45',
        RFM_SLEEPING_DAYS: '120',
        LIFECYCLE_LOST_DAYS: '365',
      }).lifecycle,
    ).toEqual({ newDays: 7, activeDays: 45, sleepingDays: 120, lostDays: 365 });
  });

  it('refuse lifecycle thresholds that do not rise', () => {
    for (const env of [
      { LIFECYCLE_NEW_DAYS: '61' },
      { LIFECYCLE_ACTIVE_DAYS: '91' },
      { LIFECYCLE_LOST_DAYS: '89' },
      { RFM_SLEEPING_DAYS: '200' },
    ]) {
      expect(() => readAnalyticsSettings(env)).toThrow(/LIFECYCLE_NEW_DAYS <= LIFECYCLE_ACTIVE_DAYS/);
    }
  });

  it('compare an hour with 4 weeks, alert beyond 40 % from 20 expected, 5 min after the hour, refund rates above 20 % of 20 units, bursts above 20 failures, unless told otherwise', () => {
    expect(readAnalyticsSettings({}).anomalies).toEqual({
      intervalMs: 60_000,
      weeks: 4,
      thresholdPct: 40,
      minVolume: 20,
      graceMs: 300_000,
      refundRatePct: 20,
      refundMinUnits: 20,
      burstFailures: 20,
    });
    const env = {
      ANOMALY_INTERVAL_MS: '0',
      ANOMALY_WEEKS: '6',
      ANOMALY_THRESHOLD_PCT: '25',
      ANOMALY_MIN_VOLUME: '50',
      ANOMALY_GRACE_MS: '0',
      ANOMALY_REFUND_RATE_PCT: '15',
      ANOMALY_REFUND_MIN_UNITS: '50',
      ANOMALY_BURST_FAILURES: '8',
    };
    expect(readAnalyticsSettings(env).anomalies).toEqual({
      intervalMs: 0,
      weeks: 6,
      thresholdPct: 25,
      minVolume: 50,
      graceMs: 0,
      refundRatePct: 15,
      refundMinUnits: 50,
      burstFailures: 8,
    });
  });
});
