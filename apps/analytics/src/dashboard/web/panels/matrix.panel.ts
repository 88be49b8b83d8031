import type { MatrixItemView, MatrixView, Quadrant } from '@ecom/analytics-read-models';
import { ChartHost, PALETTE, TOOLTIP } from '../charts';
import { append, h } from '../dom';
import { formatCount, formatMoney, toMajor } from '../format';
import { Panel, PanelContext } from './panel';

const QUADRANTS: Quadrant[] = ['star', 'traffic', 'profit', 'slow'];
const QUADRANT_COLOURS: Record<Quadrant, string> = {
  star: PALETTE[2],
  traffic: PALETTE[0],
  profit: PALETTE[3],
  slow: PALETTE[5],
};

/**
 * SKUs by units sold and gross margin over the range: a scatter plot cut into the four quadrants at
 * the medians (star, traffic, profit, slow), and the SKUs of each quadrant as lists.
 */
export class MatrixPanel extends Panel {
  private matrix?: MatrixView;
  private readonly chart = new ChartHost(
    h('div', { class: 'chart chart-tall', 'data-testid': 'matrix-chart' }),
  );

  constructor(ctx: PanelContext) {
    super(ctx, 'matrix', 'matrix.title');
  }

  protected hasData(): boolean {
    return !!this.matrix;
  }

  protected async fetch(): Promise<void> {
    this.matrix = await this.ctx.api.productMatrix(this.ctx.range());
  }

  protected draw(): void {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const matrix = this.matrix!;
    const placed = matrix.items.filter(
      (i): i is MatrixItemView & { quadrant: Quadrant } => i.quadrant !== null,
    );
    const withoutCost = matrix.items.length - placed.length;
    if (placed.length === 0 || placed.every((i) => i.unitsSold === 0)) {
      this.showEmpty(t('state.empty.demo'));
      if (withoutCost > 0)
        this.body.append(h('p', { class: 'muted' }, t('matrix.noCost', { count: withoutCost })));
      return;
    }
    const money = (minor: number | null) => formatMoney(minor, matrix.currency, lang);
    const major = (minor: number) => toMajor(minor, matrix.currency);
    const label = (item: MatrixItemView) => (item.title ? `${item.sku} · ${item.title}` : item.sku);

    append(
      this.body,
      h(
        'p',
        { class: 'muted' },
        t('matrix.thresholds', {
          units: formatCount(matrix.thresholds.unitsSold, lang),
          margin: money(matrix.thresholds.grossMargin),
        }),
      ),
      h(
        'div',
        { class: 'matrix-layout' },
        this.chart.element,
        h(
          'div',
          { class: 'quadrants' },
          QUADRANTS.map((quadrant) => {
            const items = placed
              .filter((i) => i.quadrant === quadrant)
              .sort((a, b) => b.unitsSold - a.unitsSold || a.sku.localeCompare(b.sku));
            return h(
              'section',
              { class: `quadrant quadrant-${quadrant}`, 'data-quadrant': quadrant },
              h('h3', {}, t(`quadrant.${quadrant}`), h('span', { class: 'count' }, ` (${items.length})`)),
              items.length === 0
                ? h('p', { class: 'muted' }, t('matrix.emptyQuadrant'))
                : h(
                    'ul',
                    {},
                    items.map((item) =>
                      h(
                        'li',
                        { 'data-sku': item.sku },
                        h('span', { class: 'sku' }, label(item)),
                        h(
                          'span',
                          { class: 'figures' },
                          `${formatCount(item.unitsSold, lang)} · ${money(item.grossMargin)}`,
                        ),
                      ),
                    ),
                  ),
            );
          }),
        ),
      ),
      withoutCost > 0 ? h('p', { class: 'muted' }, t('matrix.noCost', { count: withoutCost })) : null,
    );

    const thresholds = matrix.thresholds;
    this.chart.draw(
      {
        tooltip: {
          ...TOOLTIP,
          trigger: 'item',
          formatter: (params) => {
            const item = (params as unknown as { data: { item: MatrixItemView } }).data.item;
            return `${label(item)}\n${t('matrix.units')}: ${formatCount(item.unitsSold, lang)}\n${t('matrix.margin')}: ${money(item.grossMargin)}`;
          },
        },
        legend: { top: 0 },
        grid: { left: 64, right: 24, top: 36, bottom: 40 },
        xAxis: {
          type: 'value',
          name: t('matrix.units'),
          nameLocation: 'middle',
          nameGap: 26,
          minInterval: 1,
        },
        yAxis: { type: 'value', name: `${t('matrix.margin')} (${matrix.currency})` },
        series: QUADRANTS.map((quadrant, index) => ({
          type: 'scatter' as const,
          name: t(`quadrantShort.${quadrant}`),
          color: QUADRANT_COLOURS[quadrant],
          symbolSize: 12,
          data: placed
            .filter((i) => i.quadrant === quadrant)
            .map((item) => ({ value: [item.unitsSold, major(item.grossMargin!)], item })),
          // The median lines drawn once, with the first series.
          markLine:
            index === 0 && thresholds.unitsSold !== null && thresholds.grossMargin !== null
              ? {
                  silent: true,
                  symbol: 'none',
                  lineStyle: { type: 'dashed', color: '#999' },
                  label: { show: false },
                  data: [{ xAxis: thresholds.unitsSold }, { yAxis: major(thresholds.grossMargin) }],
                }
              : undefined,
        })),
      },
      lang,
    );
  }

  override dispose(): void {
    super.dispose();
    this.chart.dispose();
  }
}
