import { readAnalyticsSettings } from './settings';

describe('analytics settings', () => {
  it('score frequency on 2, 3, 4, 5 orders unless RFM_FREQUENCY_THRESHOLDS says otherwise', () => {
    expect(readAnalyticsSettings({}).rfm.frequencyThresholds).toEqual([2, 3, 4, 5]);
    expect(readAnalyticsSettings({ RFM_FREQUENCY_THRESHOLDS: '2,4,8,16' }).rfm.frequencyThresholds).toEqual([
      2, 4, 8, 16,
    ]);
  });

  it('refuse frequency thresholds that do not rise from at least 1', () => {
    for (const value of ['3,2,4,5', '0,1,2,3']) {
      expect(() => readAnalyticsSettings({ RFM_FREQUENCY_THRESHOLDS: value })).toThrow(
        /RFM_FREQUENCY_THRESHOLDS/,
      );
    }
  });
});
