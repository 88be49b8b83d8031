import type { SalesView } from '@ecom/analytics-read-models';
import { ChartHost, TOOLTIP } from '../charts';
import { h, table } from '../dom';
import { formatChange, formatCount, formatMoney, formatPercent, previousPeriod, toMajor } from '../format';
import { decomposeGmv, GmvFactor } from '../gmv';
import { kpi, Panel, PanelContext } from './panel';

/** Nothing happened in a period: no visit, no order placed, no payment. */
export function isQuietPeriod(sales: SalesView): boolean {
  return sales.totals.uv === 0 && sales.totals.ordersPlaced === 0 && sales.totals.gmv === 0;
}

/**
 * Sales over the chosen range, per day, and against the previous period of the same length: the
 * headline figures, GMV and AOV per day, visitors, conversion and orders per day, and which factor of
 * GMV = UV x conversion x orders per buyer x AOV moved GMV.
 */
export class SalesPanel extends Panel {
  private current?: SalesView;
  private previous?: SalesView;
  private readonly moneyChart = new ChartHost(
    h('div', { class: 'chart', 'data-testid': 'sales-money-chart' }),
  );
  private readonly trafficChart = new ChartHost(
    h('div', { class: 'chart', 'data-testid': 'sales-traffic-chart' }),
  );

  constructor(ctx: PanelContext) {
    super(ctx, 'sales', 'sales.title');
  }

  protected hasData(): boolean {
    return !!this.current && !!this.previous;
  }

  protected async fetch(): Promise<void> {
    const range = this.ctx.range();
    [this.current, this.previous] = await Promise.all([
      this.ctx.api.sales(range),
      this.ctx.api.sales(previousPeriod(range)),
    ]);
  }

  private money(minor: number | null): string {
    return formatMoney(minor, this.current!.currency, this.ctx.lang());
  }

  protected draw(): void {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const current = this.current!;
    const previous = this.previous!;
    if (isQuietPeriod(current)) {
      this.showEmpty(t('state.empty.demo'));
      return;
    }
    const now = current.totals;
    const before = previous.totals;
    const change = (a: number | null, b: number | null) =>
      a !== null && b !== null && b !== 0 ? formatChange(a / b - 1, lang) : '—';
    const vs = t('sales.vsPrevious', { from: previous.from, to: previous.to });
    const note = (a: number | null, b: number | null) => `${change(a, b)} ${vs}`;

    this.body.append(
      h(
        'div',
        { class: 'kpis' },
        kpi(t('sales.gmv'), this.money(now.gmv), 'kpi-gmv', note(now.gmv, before.gmv)),
        kpi(
          t('sales.ordersPaid'),
          formatCount(now.ordersPaid, lang),
          'kpi-orders',
          note(now.ordersPaid, before.ordersPaid),
        ),
        kpi(
          t('sales.aov'),
          this.money(now.averageOrderValue),
          'kpi-aov',
          note(now.averageOrderValue, before.averageOrderValue),
        ),
        kpi(t('sales.uv'), formatCount(now.uv, lang), 'kpi-uv', note(now.uv, before.uv)),
        kpi(
          t('sales.conversion'),
          formatPercent(now.conversion, lang),
          'kpi-conversion',
          note(now.conversion, before.conversion),
        ),
      ),
      h(
        'div',
        { class: 'chart-row' },
        h('figure', {}, h('figcaption', {}, t('sales.chart.money')), this.moneyChart.element),
        h('figure', {}, h('figcaption', {}, t('sales.chart.traffic')), this.trafficChart.element),
      ),
      this.breakdown(),
      this.dailyTable(),
    );
    this.drawCharts();
  }

  private drawCharts(): void {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const sales = this.current!;
    const days = sales.days.map((d) => d.day.slice(5));
    const major = (minor: number | null) => (minor === null ? null : toMajor(minor, sales.currency));
    this.moneyChart.draw(
      {
        tooltip: { ...TOOLTIP, trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 56, right: 16, top: 32, bottom: 28 },
        xAxis: { type: 'category', data: days },
        yAxis: { type: 'value', name: sales.currency },
        series: [
          { type: 'bar', name: t('sales.gmv'), data: sales.days.map((d) => major(d.gmv)) },
          { type: 'line', name: t('sales.aov'), data: sales.days.map((d) => major(d.averageOrderValue)) },
        ],
      },
      lang,
    );
    this.trafficChart.draw(
      {
        tooltip: { ...TOOLTIP, trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 48, right: 48, top: 32, bottom: 28 },
        xAxis: { type: 'category', data: days },
        yAxis: [
          { type: 'value', minInterval: 1 },
          { type: 'value', axisLabel: { formatter: (value: number) => `${Math.round(value * 100)}%` } },
        ],
        series: [
          { type: 'bar', name: t('sales.uv'), data: sales.days.map((d) => d.uv) },
          { type: 'bar', name: t('sales.ordersPaid'), data: sales.days.map((d) => d.ordersPaid) },
          {
            type: 'line',
            name: t('sales.conversion'),
            yAxisIndex: 1,
            data: sales.days.map((d) => d.conversion),
          },
        ],
      },
      lang,
    );
  }

  private breakdown(): HTMLElement {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const result = decomposeGmv(this.previous!.totals, this.current!.totals);
    const factorValue = (factor: GmvFactor, value: number | null) => {
      if (factor === 'uv') return formatCount(value, lang);
      if (factor === 'conversion') return formatPercent(value, lang, 2);
      if (factor === 'aov') return this.money(value === null ? null : Math.round(value));
      return value === null ? '—' : value.toFixed(2);
    };
    const driver = result.factors.find((f) => f.factor === result.mainDriver);
    const summary = driver
      ? t('sales.breakdown.driver', {
          change: formatChange(result.change, lang),
          previous: this.money(result.previousGmv),
          current: this.money(result.currentGmv),
          factor: t(`factor.${driver.factor}`),
          factorChange: formatChange(driver.change, lang),
        })
      : result.currentGmv === result.previousGmv
        ? t('sales.breakdown.flat', { current: this.money(result.currentGmv) })
        : t('sales.breakdown.unsplittable', {
            previous: this.money(result.previousGmv),
            current: this.money(result.currentGmv),
          });
    return h(
      'div',
      { class: 'breakdown' },
      h('h3', {}, t('sales.breakdown')),
      h('p', { class: 'breakdown-summary', 'data-testid': 'gmv-driver' }, summary),
      table(
        [
          t('sales.breakdown.factor'),
          t('sales.breakdown.previous'),
          t('sales.breakdown.current'),
          t('sales.breakdown.change'),
          t('sales.breakdown.contribution'),
        ],
        result.factors.map((f) => [
          t(`factor.${f.factor}`),
          factorValue(f.factor, f.previous),
          factorValue(f.factor, f.current),
          formatChange(f.change, lang),
          f.contribution === null ? '—' : this.money(Math.round(f.contribution)),
        ]),
        {
          rowAttributes: (i) => ({
            'data-factor': result.factors[i].factor,
            class: result.factors[i].factor === result.mainDriver ? 'main-driver' : undefined,
          }),
        },
      ),
    );
  }

  private dailyTable(): HTMLElement {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    return h(
      'details',
      { class: 'daily' },
      h('summary', {}, t('sales.daily')),
      table(
        [
          t('sales.day'),
          t('sales.gmv'),
          t('sales.ordersPlaced'),
          t('sales.ordersPaid'),
          t('sales.aov'),
          t('sales.uv'),
          t('sales.conversion'),
        ],
        this.current!.days.map((d) => [
          d.day,
          this.money(d.gmv),
          formatCount(d.ordersPlaced, lang),
          formatCount(d.ordersPaid, lang),
          this.money(d.averageOrderValue),
          formatCount(d.uv, lang),
          formatPercent(d.conversion, lang),
        ]),
        { rowAttributes: (i) => ({ 'data-day': this.current!.days[i].day }) },
      ),
    );
  }

  override dispose(): void {
    super.dispose();
    this.moneyChart.dispose();
    this.trafficChart.dispose();
  }
}
