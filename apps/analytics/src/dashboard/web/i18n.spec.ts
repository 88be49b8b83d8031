import { FUNNEL_STEPS, LIFECYCLE_STAGE_CODES, RFM_SEGMENTS } from '@ecom/analytics-read-models';
import { ANOMALY_METRICS, ANOMALY_TYPES, STOCK_WARNING_TYPES } from '@ecom/contracts';
import { LANGS, MESSAGES, labelOf, translate } from './i18n';

describe('dashboard words', () => {
  it('offers Chinese first, then English, with the same keys', () => {
    expect(LANGS).toEqual(['zh', 'en']);
    expect(Object.keys(MESSAGES.zh).sort()).toEqual(Object.keys(MESSAGES.en).sort());
  });

  it.each(LANGS)(
    'names every segment, funnel step, warning type, quadrant, stage and alert in %s',
    (lang) => {
      const codes = [
        ...RFM_SEGMENTS.map((s) => ['segment', s.code]),
        ...FUNNEL_STEPS.map((s) => ['step', s.name]),
        ...STOCK_WARNING_TYPES.map((t) => ['warning', t]),
        ...['star', 'traffic', 'profit', 'slow'].map((q) => ['quadrantShort', q]),
        ...LIFECYCLE_STAGE_CODES.map((s) => ['stage', s]),
        ...ANOMALY_TYPES.map((t) => ['anomalyType', t]),
        ...['DROP', 'SPIKE'].map((d) => ['direction', d]),
      ];
      for (const [prefix, code] of codes) expect(labelOf(lang, prefix, code)).not.toBe(code);
      // GMV is called GMV in both languages: each metric needs its own entry all the same.
      for (const metric of ANOMALY_METRICS)
        expect(Object.keys(MESSAGES[lang])).toContain(`anomalyMetric.${metric}`);
    },
  );

  it('fills in the placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'login.throttled', { seconds: 4 })).toBe('Too many attempts. Try again in 4 s.');
    expect(translate('zh', 'login.throttled', { seconds: 4 })).toBe('尝试次数过多，请在 4 秒后重试。');
    expect(translate('en', 'login.throttled')).toContain('{seconds}');
  });
});
