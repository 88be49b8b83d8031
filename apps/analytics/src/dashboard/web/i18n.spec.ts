import { FUNNEL_STEPS, RFM_SEGMENTS } from '@ecom/analytics-read-models';
import { STOCK_WARNING_TYPES } from '@ecom/contracts';
import { LANGS, MESSAGES, labelOf, translate } from './i18n';

describe('dashboard words', () => {
  it('offers Chinese first, then English, with the same keys', () => {
    expect(LANGS).toEqual(['zh', 'en']);
    expect(Object.keys(MESSAGES.zh).sort()).toEqual(Object.keys(MESSAGES.en).sort());
  });

  it.each(LANGS)('names every segment, funnel step, warning type and quadrant in %s', (lang) => {
    const codes = [
      ...RFM_SEGMENTS.map((s) => ['segment', s.code]),
      ...FUNNEL_STEPS.map((s) => ['step', s.name]),
      ...STOCK_WARNING_TYPES.map((t) => ['warning', t]),
      ...['star', 'traffic', 'profit', 'slow'].map((q) => ['quadrantShort', q]),
    ];
    for (const [prefix, code] of codes) expect(labelOf(lang, prefix, code)).not.toBe(code);
  });

  it('fills in the placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'login.throttled', { seconds: 4 })).toBe('Too many attempts. Try again in 4 s.');
    expect(translate('zh', 'login.throttled', { seconds: 4 })).toBe('尝试次数过多，请在 4 秒后重试。');
    expect(translate('en', 'login.throttled')).toContain('{seconds}');
  });
});
