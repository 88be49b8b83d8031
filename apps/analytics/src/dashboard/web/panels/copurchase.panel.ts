import type { CopurchasePairsView, CopurchaseSkuView } from '@ecom/analytics-read-models';
import { ApiError } from '../api';
import { append, h, replaceChildren, table } from '../dom';
import { formatCount, formatDecimal, formatPercent } from '../format';
import { Panel, PanelContext } from './panel';

/** How many pairs and partners the panel lists. */
const LIMIT = 20;

/**
 * Products bought together, over every counted paid order (not tied to the page's range): the pairs
 * with the highest lift among those bought together often enough, and for a SKU clicked in it, that
 * SKU's partners.
 */
export class CopurchasePanel extends Panel {
  override readonly followsRange = false;
  private view?: CopurchasePairsView;
  private sku?: string;
  private partners?: CopurchaseSkuView;
  private partnersError?: unknown;
  private readonly partnersBox = h('div', {
    class: 'copurchase-partners',
    'data-testid': 'copurchase-partners',
  });

  constructor(ctx: PanelContext) {
    super(ctx, 'copurchase', 'copurchase.title');
  }

  protected hasData(): boolean {
    return !!this.view;
  }

  protected async fetch(): Promise<void> {
    this.view = await this.ctx.api.copurchasePairs(LIMIT);
    if (this.sku) await this.fetchPartners(this.sku);
  }

  private async fetchPartners(sku: string): Promise<void> {
    try {
      this.partners = await this.ctx.api.copurchaseSku(sku, LIMIT);
      this.partnersError = undefined;
    } catch (error) {
      if (error instanceof ApiError && (error.problem === 'unauthorised' || error.problem === 'forbidden')) {
        throw error;
      }
      this.partners = undefined;
      this.partnersError = error;
    }
  }

  private async choose(sku: string): Promise<void> {
    this.sku = sku;
    this.partners = undefined;
    this.partnersError = undefined;
    // Drawn again at once: the SKU marked as chosen, its partners loading.
    this.render();
    try {
      await this.fetchPartners(sku);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (this.sku === sku) this.drawPartners();
  }

  private skuButton(sku: string): HTMLElement {
    return h(
      'button',
      {
        type: 'button',
        class: `link mono${sku === this.sku ? ' selected' : ''}`,
        'data-copurchase-sku': sku,
        onclick: () => void this.choose(sku),
      },
      sku,
    );
  }

  protected draw(): void {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const view = this.view!;
    if (view.countedOrders === 0) {
      this.showEmpty(t('copurchase.empty'));
      return;
    }
    append(
      this.body,
      h(
        'p',
        { class: 'muted', 'data-testid': 'copurchase-summary' },
        t('copurchase.summary', {
          orders: formatCount(view.countedOrders, lang),
          min: formatCount(view.minSupportOrders, lang),
        }),
      ),
    );
    if (view.pairs.length === 0) {
      this.showEmpty(t('copurchase.noPairs', { min: formatCount(view.minSupportOrders, lang) }));
      return;
    }
    append(
      this.body,
      table(
        [
          t('copurchase.skuA'),
          t('copurchase.skuB'),
          t('copurchase.orders'),
          t('copurchase.support'),
          t('copurchase.confidenceAB'),
          t('copurchase.confidenceBA'),
          t('copurchase.lift'),
        ],
        view.pairs.map((p) => [
          this.skuButton(p.skuA),
          this.skuButton(p.skuB),
          formatCount(p.orders, lang),
          formatPercent(p.support, lang),
          formatPercent(p.confidenceAB, lang),
          formatPercent(p.confidenceBA, lang),
          formatDecimal(p.lift, lang, 2),
        ]),
        {
          className: 'data compact copurchase-table',
          rowAttributes: (i) => ({ 'data-pair': `${view.pairs[i].skuA}+${view.pairs[i].skuB}` }),
        },
      ),
      this.partnersBox,
    );
    this.drawPartners();
  }

  private drawPartners(): void {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    if (!this.sku) {
      replaceChildren(this.partnersBox, h('p', { class: 'muted' }, t('copurchase.pick')));
      return;
    }
    if (this.partnersError !== undefined) {
      const detail =
        this.partnersError instanceof Error ? this.partnersError.message : String(this.partnersError);
      replaceChildren(
        this.partnersBox,
        h(
          'div',
          { class: 'error-state', role: 'alert' },
          h('p', {}, t('state.unavailable', { detail })),
          h(
            'button',
            { type: 'button', class: 'retry', onclick: () => void this.choose(this.sku!) },
            t('state.retry'),
          ),
        ),
      );
      return;
    }
    const view = this.partners;
    if (!view) {
      replaceChildren(this.partnersBox, h('p', { class: 'muted' }, t('app.loading')));
      return;
    }
    replaceChildren(
      this.partnersBox,
      h('h3', {}, t('copurchase.partnersOf', { sku: view.sku, orders: formatCount(view.orders, lang) })),
      view.partners.length === 0
        ? h(
            'p',
            { class: 'empty-state' },
            t('copurchase.noPartners', { min: formatCount(view.minSupportOrders, lang) }),
          )
        : table(
            [
              t('copurchase.partner'),
              t('copurchase.orders'),
              t('copurchase.support'),
              t('copurchase.confidence', { sku: view.sku }),
              t('copurchase.lift'),
            ],
            view.partners.map((p) => [
              this.skuButton(p.sku),
              formatCount(p.orders, lang),
              formatPercent(p.support, lang),
              formatPercent(p.confidence, lang),
              formatDecimal(p.lift, lang, 2),
            ]),
            {
              className: 'data compact partners-table',
              rowAttributes: (i) => ({ 'data-partner': view.partners[i].sku }),
            },
          ),
    );
  }
}
