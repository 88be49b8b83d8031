import { BarChart, FunnelChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import type {
  BarSeriesOption,
  FunnelSeriesOption,
  HeatmapSeriesOption,
  LineSeriesOption,
  ScatterSeriesOption,
} from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import { init, use } from 'echarts/core';
import type { ComposeOption, ECElementEvent, EChartsType } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { Lang } from './format';

// Only what the panels draw, so the bundle carries only these parts of ECharts.
use([
  BarChart,
  LineChart,
  FunnelChart,
  ScatterChart,
  HeatmapChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | FunnelSeriesOption
  | ScatterSeriesOption
  | HeatmapSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
  | VisualMapComponentOption
>;

export const PALETTE = ['#2f6fde', '#f08c2e', '#2aa876', '#8a5cd1', '#d64550', '#6b7a90'];

/**
 * The tooltip every chart uses: drawn on the canvas (richText), not as an HTML overlay, whose inline
 * styles the page's Content Security Policy (style-src 'self') would refuse.
 */
export const TOOLTIP: TooltipComponentOption = { renderMode: 'richText', confine: true };

/**
 * One chart in a container: drawn on a canvas, in the page's language (ECharts' own zh/en words),
 * redrawn at the container's size. A language switch makes a new chart (ECharts fixes the locale at
 * init).
 */
export class ChartHost {
  private chart?: EChartsType;
  private lang?: Lang;
  private readonly resize = new ResizeObserver(() => this.chart?.resize());

  constructor(readonly element: HTMLElement) {
    this.resize.observe(element);
  }

  draw(option: ChartOption, lang: Lang, onClick?: (event: ECElementEvent) => void): void {
    if (!this.chart || this.lang !== lang || this.chart.isDisposed()) {
      this.chart?.dispose();
      this.chart = init(this.element, undefined, { renderer: 'canvas', locale: lang === 'zh' ? 'ZH' : 'EN' });
      this.lang = lang;
    }
    this.chart.off('click');
    if (onClick) this.chart.on('click', onClick);
    this.chart.setOption({ color: PALETTE, animationDuration: 300, ...option }, { notMerge: true });
  }

  dispose(): void {
    this.resize.disconnect();
    this.chart?.dispose();
    this.chart = undefined;
  }
}
