import type { RfmMemberListView, RfmMemberView, RfmSegmentsView } from '@ecom/analytics-read-models';
import { ChartHost, TOOLTIP } from '../charts';
import { h, replaceChildren, table } from '../dom';
import { formatCount, formatInstant, formatMoney, formatPercent } from '../format';
import { labelOf } from '../i18n';
import { Panel, PanelContext } from './panel';

const PAGE_SIZE = 20;

/**
 * Members per RFM segment (last recomputation) as a chart and a list; the members of the chosen
 * segment in a table (sleeping ones marked), with recency, frequency, monetary, scores and tier; a
 * member's row opens their RFM detail.
 */
export class RfmPanel extends Panel {
  override readonly followsRange = false;
  private segments?: RfmSegmentsView;
  private segment?: string;
  private sleepingOnly = false;
  private offset = 0;
  private page?: RfmMemberListView;
  private detail?: RfmMemberView;
  private readonly chart = new ChartHost(h('div', { class: 'chart chart-tall', 'data-testid': 'rfm-chart' }));
  private readonly membersBox = h('div', { class: 'rfm-members' });

  constructor(ctx: PanelContext) {
    super(ctx, 'rfm', 'rfm.title');
  }

  protected hasData(): boolean {
    return !!this.segments;
  }

  protected async fetch(): Promise<void> {
    [this.segments, this.page] = await Promise.all([
      this.ctx.api.rfmSegments(),
      this.segment ? this.membersPage() : Promise.resolve(undefined),
    ]);
  }

  private membersPage(): Promise<RfmMemberListView> {
    return this.ctx.api.rfmMembers({
      segment: this.segment!,
      sleeping: this.sleepingOnly || undefined,
      limit: PAGE_SIZE,
      offset: this.offset,
    });
  }

  /** Loads the members table alone (segment, page or filter changed). */
  private async showMembers(): Promise<void> {
    this.detail = undefined;
    replaceChildren(this.membersBox, h('p', { class: 'muted' }, this.ctx.t('app.loading')));
    try {
      this.page = await this.membersPage();
      this.drawMembers();
    } catch (error) {
      this.fail(error);
    }
  }

  private choose(segment: string): void {
    this.segment = segment;
    this.offset = 0;
    this.render();
    void this.showMembers();
  }

  protected draw(): void {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const view = this.segments!;
    if (view.asOf === null || view.members === 0) {
      this.showEmpty(t('rfm.notScored'));
      return;
    }
    const name = (code: string) => labelOf(lang, 'segment', code);
    this.body.append(
      h(
        'p',
        { class: 'muted', 'data-testid': 'rfm-summary' },
        t('rfm.summary', {
          members: formatCount(view.members, lang),
          sleeping: formatCount(view.sleeping, lang),
          asOf: formatInstant(view.asOf, this.ctx.config.timeZone),
        }),
      ),
      h(
        'div',
        { class: 'rfm-overview' },
        this.chart.element,
        table(
          [t('rfm.segment'), t('rfm.members'), t('rfm.share')],
          view.segments.map((s) => [
            h(
              'button',
              {
                type: 'button',
                class: `link segment-button${s.code === this.segment ? ' selected' : ''}`,
                'data-segment': s.code,
                onclick: () => this.choose(s.code),
              },
              name(s.code),
            ),
            formatCount(s.members, lang),
            formatPercent(s.share, lang),
          ]),
          {
            className: 'data compact segment-table',
            rowAttributes: (i) => ({ 'data-segment-row': view.segments[i].code }),
          },
        ),
      ),
      this.membersBox,
    );
    const ordered = [...view.segments].reverse();
    this.chart.draw(
      {
        tooltip: { ...TOOLTIP, trigger: 'axis' },
        grid: { left: 120, right: 24, top: 8, bottom: 24 },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', data: ordered.map((s) => name(s.code)) },
        series: [
          {
            type: 'bar',
            name: t('rfm.members'),
            data: ordered.map((s) => ({
              value: s.members,
              itemStyle: s.code === this.segment ? { color: '#d64550' } : undefined,
            })),
          },
        ],
      },
      lang,
      (event) => {
        const segment = ordered[event.dataIndex];
        if (segment) this.choose(segment.code);
      },
    );
    this.drawMembers();
  }

  private drawMembers(): void {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    if (!this.segment) {
      replaceChildren(this.membersBox, h('p', { class: 'muted' }, t('rfm.pick')));
      return;
    }
    const page = this.page;
    const sleepingToggle = h(
      'label',
      { class: 'control' },
      h('input', {
        type: 'checkbox',
        id: 'rfm-sleeping-only',
        checked: this.sleepingOnly,
        onchange: (event: Event) => {
          this.sleepingOnly = (event.target as HTMLInputElement).checked;
          this.offset = 0;
          void this.showMembers();
        },
      }),
      ` ${t('rfm.sleepingOnly')}`,
    );
    const heading = h('h3', {}, labelOf(lang, 'segment', this.segment));
    if (!page) {
      replaceChildren(this.membersBox, heading, sleepingToggle, h('p', { class: 'muted' }, t('app.loading')));
      return;
    }
    if (page.total === 0) {
      replaceChildren(
        this.membersBox,
        heading,
        sleepingToggle,
        h('p', { class: 'empty-state' }, t('rfm.noMembers')),
      );
      return;
    }
    const money = (minor: number) =>
      formatMoney(minor, page.items[0]?.currency ?? this.ctx.config.currency, lang);
    const rows = page.items.map((m) => [
      h('span', { class: 'mono' }, m.memberId),
      m.tier ?? '—',
      formatCount(m.recencyDays, lang),
      formatCount(m.frequency, lang),
      money(m.monetary),
      `${m.r ?? '–'} / ${m.f ?? '–'} / ${m.m ?? '–'}`,
      m.sleeping
        ? h('span', { class: 'badge sleeping' }, t('rfm.sleeping'))
        : h('span', { class: 'badge' }, t('rfm.active')),
    ]);
    const last = page.offset + page.items.length;
    replaceChildren(
      this.membersBox,
      heading,
      sleepingToggle,
      table(
        [
          t('rfm.member'),
          t('rfm.tier'),
          t('rfm.recency'),
          t('rfm.frequency'),
          t('rfm.monetary'),
          t('rfm.scores'),
          t('rfm.sleeping'),
        ],
        rows,
        {
          className: 'data members-table',
          rowAttributes: (i) => ({
            class: `clickable${page.items[i].sleeping ? ' is-sleeping' : ''}`,
            tabindex: 0,
            'data-member': page.items[i].memberId,
            onclick: () => void this.openMember(page.items[i].memberId),
            onkeydown: (event: Event) => {
              if ((event as KeyboardEvent).key === 'Enter') void this.openMember(page.items[i].memberId);
            },
          }),
        },
      ),
      h(
        'div',
        { class: 'pager' },
        h(
          'button',
          {
            type: 'button',
            disabled: page.offset === 0,
            onclick: () => {
              this.offset = Math.max(0, this.offset - PAGE_SIZE);
              void this.showMembers();
            },
          },
          t('rfm.previous'),
        ),
        h('span', {}, t('rfm.page', { first: page.offset + 1, last, total: page.total })),
        h(
          'button',
          {
            type: 'button',
            disabled: last >= page.total,
            onclick: () => {
              this.offset += PAGE_SIZE;
              void this.showMembers();
            },
          },
          t('rfm.next'),
        ),
      ),
      this.detail ? this.detailCard(this.detail) : null,
    );
  }

  private async openMember(memberId: string): Promise<void> {
    try {
      this.detail = await this.ctx.api.rfmMember(memberId);
      this.drawMembers();
    } catch (error) {
      this.fail(error);
    }
  }

  private detailCard(member: RfmMemberView): HTMLElement {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const entry = (label: string, value: string | Node) => [h('dt', {}, label), h('dd', {}, value)];
    return h(
      'aside',
      {
        class: 'member-detail',
        'data-testid': 'rfm-detail',
        'aria-label': t('rfm.detail', { id: member.memberId }),
      },
      h(
        'header',
        {},
        h('h3', {}, t('rfm.detail', { id: member.memberId })),
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: () => {
              this.detail = undefined;
              this.drawMembers();
            },
          },
          t('rfm.close'),
        ),
      ),
      h(
        'dl',
        {},
        entry(
          t('rfm.segment'),
          member.segmentCode ? labelOf(lang, 'segment', member.segmentCode) : t('rfm.notScoredYet'),
        ),
        entry(t('rfm.tier'), member.tier ?? '—'),
        entry(t('rfm.recency'), formatCount(member.recencyDays, lang)),
        entry(t('rfm.frequency'), formatCount(member.frequency, lang)),
        entry(t('rfm.monetary'), formatMoney(member.monetary, member.currency, lang)),
        entry(t('rfm.scores'), `${member.r ?? '–'} / ${member.f ?? '–'} / ${member.m ?? '–'}`),
        entry(t('rfm.sleeping'), member.sleeping ? t('rfm.sleeping') : t('rfm.active')),
        entry(t('rfm.lastPaidAt'), formatInstant(member.lastPaidAt, this.ctx.config.timeZone)),
        entry(t('rfm.asOf'), formatInstant(member.asOf, this.ctx.config.timeZone)),
      ),
    );
  }

  override dispose(): void {
    super.dispose();
    this.chart.dispose();
  }
}
