import { AnalyticsApi, ApiError } from '../api';
import { h, replaceChildren } from '../dom';
import type { DayRange, Lang } from '../format';
import type { MessageKey } from '../i18n';

/** What the page reads first (GET /dashboard/config.json, dashboard.routes.ts). */
export interface DashboardConfig {
  membersUrl: string;
  timeZone: string;
  currency: string;
  today: string;
  stockWarningsRefreshMs: number;
}

/** What every panel gets from the page. */
export interface PanelContext {
  api: AnalyticsApi;
  config: DashboardConfig;
  lang(): Lang;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  range(): DayRange;
  /** A 401 (the session ended) or 403 (not an operator): the page leaves the dashboard. */
  authProblem(error: ApiError): void;
}

/**
 * A panel of the dashboard: a titled section whose body shows the data, or what is going on instead
 * (loading, no data yet and how to get some, the service unavailable with a retry).
 */
export abstract class Panel {
  readonly element: HTMLElement;
  protected readonly body: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly tools: HTMLElement;
  /** Whether the panel shows the page's date range (loaded again when it changes). */
  readonly followsRange: boolean = true;
  /** Answers to an older request than the latest are dropped (the operator changed the range meanwhile). */
  private generation = 0;

  constructor(
    protected readonly ctx: PanelContext,
    readonly id: string,
    private readonly titleKey: MessageKey,
  ) {
    this.heading = h('h2', {});
    this.tools = h('div', { class: 'panel-tools' });
    this.body = h('div', { class: 'panel-body', 'aria-live': 'polite' });
    this.element = h(
      'section',
      { class: `panel panel-${id}`, id: `panel-${id}`, 'data-state': 'loading' },
      h('header', { class: 'panel-header' }, this.heading, this.tools),
      this.body,
    );
  }

  /** Fetches what the panel shows, then draws it. */
  protected abstract fetch(): Promise<void>;

  /** Draws the data already fetched (again after a language switch). */
  protected abstract draw(): void;

  /** The panel's controls (filters) in the header, in the current language. */
  protected controls(): (Node | string)[] {
    return [];
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.renderHeader();
    this.setState('loading');
    replaceChildren(this.body, h('p', { class: 'muted' }, this.ctx.t('app.loading')));
    try {
      await this.fetch();
      if (generation !== this.generation) return;
      this.render();
    } catch (error) {
      if (generation !== this.generation) return;
      this.fail(error);
    }
  }

  /** Draws again from the data held (language switch). */
  render(): void {
    this.renderHeader();
    if (this.element.dataset.state === 'error' || !this.hasData()) return;
    this.setState('ready');
    replaceChildren(this.body);
    this.draw();
  }

  protected abstract hasData(): boolean;

  protected renderHeader(): void {
    this.heading.textContent = this.ctx.t(this.titleKey);
    replaceChildren(this.tools, ...this.controls());
  }

  protected setState(state: 'loading' | 'ready' | 'empty' | 'error'): void {
    this.element.dataset.state = state;
  }

  /** No data yet: says what to do about it, with the panel's controls still there. */
  protected showEmpty(message: string): void {
    this.setState('empty');
    this.body.appendChild(h('p', { class: 'empty-state' }, message));
  }

  protected fail(error: unknown): void {
    if (error instanceof ApiError && (error.problem === 'unauthorised' || error.problem === 'forbidden')) {
      this.ctx.authProblem(error);
      return;
    }
    this.setState('error');
    const detail = error instanceof Error ? error.message : String(error);
    const message =
      error instanceof ApiError && error.problem === 'invalid'
        ? this.ctx.t('state.invalid', { detail })
        : this.ctx.t('state.unavailable', { detail });
    replaceChildren(
      this.body,
      h(
        'div',
        { class: 'error-state', role: 'alert' },
        h('p', {}, message),
        h(
          'button',
          { type: 'button', class: 'retry', onclick: () => void this.load() },
          this.ctx.t('state.retry'),
        ),
      ),
    );
  }

  dispose(): void {
    this.generation++;
  }
}

/** A figure with its label, as the panels show the headline numbers. */
export function kpi(
  label: string,
  value: string,
  testId: string,
  note?: string,
  noteClass = '',
): HTMLElement {
  return h(
    'div',
    { class: 'kpi' },
    h('div', { class: 'kpi-label' }, label),
    h('div', { class: 'kpi-value', 'data-testid': testId }, value),
    note ? h('div', { class: `kpi-note ${noteClass}`.trim() }, note) : null,
  );
}
