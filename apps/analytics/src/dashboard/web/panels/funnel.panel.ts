import type { FunnelView } from '@ecom/analytics-read-models';
import { ChartHost, TOOLTIP } from '../charts';
import { h, table } from '../dom';
import { formatCount, formatPercent } from '../format';
import { labelOf } from '../i18n';
import { Panel, PanelContext } from './panel';

/** The value of the channel filter for visitors whose events carried no channel. */
const ALL = '';

/**
 * visit -> product view -> add to cart -> order placed -> order paid over the range, as a funnel with
 * each step's conversion from the previous one and its drop-off, filtered by first-touch channel.
 */
export class FunnelPanel extends Panel {
  private funnel?: FunnelView;
  private channel = ALL;
  /** Channels seen in the range without a filter (a filtered answer lists only its own). */
  private channels: string[] = [];
  private readonly chart = new ChartHost(
    h('div', { class: 'chart chart-tall', 'data-testid': 'funnel-chart' }),
  );

  constructor(ctx: PanelContext) {
    super(ctx, 'funnel', 'funnel.title');
  }

  protected hasData(): boolean {
    return !!this.funnel;
  }

  protected async fetch(): Promise<void> {
    this.funnel = await this.ctx.api.funnel(this.ctx.range(), this.channel || undefined);
    if (!this.channel) {
      this.channels = this.funnel.channels.map((c) => c.channel).filter((c): c is string => c !== null);
    }
  }

  protected override controls(): (Node | string)[] {
    const { t } = this.ctx;
    const options = [ALL, ...new Set([...this.channels, ...(this.channel ? [this.channel] : [])])];
    const select = h(
      'select',
      {
        id: 'funnel-channel',
        onchange: (event: Event) => {
          this.channel = (event.target as HTMLSelectElement).value;
          void this.load();
        },
      },
      options.map((value) =>
        h(
          'option',
          { value, selected: value === this.channel },
          value === ALL ? t('funnel.allChannels') : value,
        ),
      ),
    );
    return [h('label', { class: 'control', for: 'funnel-channel' }, t('funnel.channel')), select];
  }

  protected draw(): void {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const steps = this.funnel!.steps;
    if (steps[0].visitors === 0) {
      this.showEmpty(this.channel ? t('funnel.empty') : t('state.empty.demo'));
      return;
    }
    const name = (step: string) => labelOf(lang, 'step', step);
    this.body.append(
      this.chart.element,
      table(
        [
          t('funnel.step'),
          t('funnel.visitors'),
          t('funnel.stepConversion'),
          t('funnel.dropOff'),
          t('funnel.overall'),
        ],
        steps.map((step, i) => {
          const lost = i === 0 ? null : steps[i - 1].visitors - step.visitors;
          const dropRate =
            i === 0 || step.conversionFromPrevious === null ? null : 1 - step.conversionFromPrevious;
          return [
            name(step.name),
            formatCount(step.visitors, lang),
            i === 0 ? '—' : formatPercent(step.conversionFromPrevious, lang),
            lost === null ? '—' : `${formatCount(lost, lang)} (${formatPercent(dropRate, lang)})`,
            formatPercent(step.conversionFromStart, lang),
          ];
        }),
        { className: 'data funnel-table', rowAttributes: (i) => ({ 'data-step': steps[i].name }) },
      ),
    );
    this.chart.draw(
      {
        tooltip: { ...TOOLTIP, trigger: 'item' },
        series: [
          {
            type: 'funnel',
            sort: 'none',
            left: '10%',
            width: '80%',
            minSize: '8%',
            gap: 2,
            label: { position: 'inside', formatter: '{b}: {c}' },
            data: steps.map((step) => ({ name: name(step.name), value: step.visitors })),
          },
        ],
      },
      lang,
    );
  }

  override dispose(): void {
    super.dispose();
    this.chart.dispose();
  }
}
