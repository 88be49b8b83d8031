import type { StockHealthView, ValueAtRiskView } from '@ecom/analytics-read-models';
import { append, h, table } from '../dom';
import { formatCount, formatDecimal, formatInstant, formatMoney, formatPercent, Lang } from '../format';
import { kpi, Panel, PanelContext } from './panel';

/** Money of a group that may have no known currency (SKUs without a price): then only a dash. */
function money(minor: number, currency: string | null, lang: Lang): string {
  return currency === null ? '—' : formatMoney(minor, currency, lang);
}

/**
 * Stock health now (the analytics clock), not tied to the page's range: the value at risk of the
 * batches expiring within the API's default horizon (per currency and per category, at cost and at
 * retail), and per category the sell-through of the API's default window and the units on hand by age
 * since receipt.
 */
export class StockHealthPanel extends Panel {
  override readonly followsRange = false;
  private health?: StockHealthView;
  private risk?: ValueAtRiskView;

  constructor(ctx: PanelContext) {
    super(ctx, 'stock-health', 'stockHealth.title');
  }

  protected hasData(): boolean {
    return !!this.health && !!this.risk;
  }

  protected async fetch(): Promise<void> {
    [this.health, this.risk] = await Promise.all([this.ctx.api.stockHealth(), this.ctx.api.valueAtRisk()]);
  }

  protected draw(): void {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const health = this.health!;
    const risk = this.risk!;
    if (health.skus.length === 0) {
      this.showEmpty(t('stockHealth.empty'));
      return;
    }
    const category = (id: string | null) => id ?? t('stockHealth.noCategory');
    append(
      this.body,
      h(
        'h3',
        {},
        t('stockHealth.risk', {
          days: risk.withinDays,
          horizon: formatInstant(risk.horizon, this.ctx.config.timeZone),
        }),
      ),
      risk.totals.length === 0
        ? h('p', { class: 'empty-state', 'data-testid': 'risk-none' }, t('stockHealth.riskNone'))
        : [
            h(
              'div',
              { class: 'kpis' },
              risk.totals.flatMap((total) => {
                const code = total.currency ?? 'unknown';
                return [
                  kpi(
                    t('stockHealth.atCost', { currency: total.currency ?? '?' }),
                    money(total.costValue, total.currency, lang),
                    `risk-cost-${code}`,
                    t('stockHealth.units', {
                      units: formatCount(total.units, lang),
                      expired: formatCount(total.expiredUnits, lang),
                    }),
                  ),
                  kpi(
                    t('stockHealth.atRetail', { currency: total.currency ?? '?' }),
                    money(total.retailValue, total.currency, lang),
                    `risk-retail-${code}`,
                    total.unitsWithoutCost || total.unitsWithoutPrice
                      ? t('stockHealth.unknownValues', {
                          cost: formatCount(total.unitsWithoutCost, lang),
                          price: formatCount(total.unitsWithoutPrice, lang),
                        })
                      : undefined,
                  ),
                ];
              }),
            ),
            table(
              [
                t('stockHealth.category'),
                t('stockHealth.currency'),
                t('stockHealth.skus'),
                t('stockHealth.unitsAtRisk'),
                t('stockHealth.expired'),
                t('stockHealth.costValue'),
                t('stockHealth.retailValue'),
              ],
              risk.categories.map((c) => [
                category(c.categoryId),
                c.currency ?? '—',
                formatCount(c.skus, lang),
                formatCount(c.units, lang),
                formatCount(c.expiredUnits, lang),
                money(c.costValue, c.currency, lang),
                money(c.retailValue, c.currency, lang),
              ]),
              {
                className: 'data compact risk-table',
                rowAttributes: (i) => ({ 'data-category': risk.categories[i].categoryId ?? '' }),
              },
            ),
          ],
      h('h3', {}, t('stockHealth.perCategory', { days: health.days })),
      table(
        [
          t('stockHealth.category'),
          t('stockHealth.skus'),
          t('stockHealth.onHand'),
          t('stockHealth.sellThrough'),
          t('stockHealth.age0To30'),
          t('stockHealth.age31To60'),
          t('stockHealth.age61To90'),
          t('stockHealth.ageOver90'),
          t('stockHealth.unknownAge'),
          t('stockHealth.averageAge'),
        ],
        health.categories.map((c) => [
          category(c.categoryId),
          formatCount(c.skus, lang),
          formatCount(c.onHand, lang),
          h(
            'span',
            { title: `${formatCount(c.sellThrough.sold, lang)} / ${formatCount(c.sellThrough.base, lang)}` },
            formatPercent(c.sellThrough.rate, lang),
          ),
          formatCount(c.stockAge.bands.days0To30, lang),
          formatCount(c.stockAge.bands.days31To60, lang),
          formatCount(c.stockAge.bands.days61To90, lang),
          formatCount(c.stockAge.bands.over90Days, lang),
          formatCount(c.stockAge.unknownAgeUnits, lang),
          formatDecimal(c.stockAge.averageAgeDays, lang),
        ]),
        {
          className: 'data compact health-table',
          rowAttributes: (i) => ({ 'data-category': health.categories[i].categoryId ?? '' }),
        },
      ),
      h('p', { class: 'muted' }, t('stockHealth.note')),
    );
  }
}
