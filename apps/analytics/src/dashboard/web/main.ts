import './styles.css';
import { AnalyticsApi, ApiError } from './api';
import { h, replaceChildren } from './dom';
import { addDays, DayRange, Lang, rangeProblem } from './format';
import { LANGS, MessageKey, translate } from './i18n';
import { AnomaliesPanel } from './panels/anomalies.panel';
import { CopurchasePanel } from './panels/copurchase.panel';
import { ExperimentsPanel } from './panels/experiments.panel';
import { FunnelPanel } from './panels/funnel.panel';
import { LifecyclePanel } from './panels/lifecycle.panel';
import { MatrixPanel } from './panels/matrix.panel';
import type { DashboardConfig, Panel, PanelContext } from './panels/panel';
import { RfmPanel } from './panels/rfm.panel';
import { SalesPanel } from './panels/sales.panel';
import { StockHealthPanel } from './panels/stock-health.panel';
import { StockWarningsPanel } from './panels/stock-warnings.panel';
import { LoginError, logIn, logOut, mayUseDashboard, Session } from './session';

/** Only the language choice is kept by the browser; the token never is. */
const LANG_KEY = 'ecom.dashboard.lang';

type View = 'login' | 'denied' | 'dashboard' | 'unavailable';

/**
 * The operations dashboard: sign in at members (operators and admins), then the panels over the
 * analytics API for a date range in ANALYTICS_TZ. The session is this object's field and nothing else.
 */
class DashboardApp {
  private config?: DashboardConfig;
  private session?: Session;
  private lang: Lang = LANGS.includes(localStorage.getItem(LANG_KEY) as Lang)
    ? (localStorage.getItem(LANG_KEY) as Lang)
    : 'zh';
  private range: DayRange = { from: '', to: '' };
  private view: View = 'login';
  private panels: Panel[] = [];
  private loginMessage?: string;
  private expiryTimer?: ReturnType<typeof setTimeout>;
  private readonly api = new AnalyticsApi(() => this.session?.token);

  constructor(private readonly root: HTMLElement) {}

  private t = (key: MessageKey, vars?: Record<string, string | number>) => translate(this.lang, key, vars);

  async start(): Promise<void> {
    this.applyLang();
    try {
      const response = await fetch('/dashboard/config.json', { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`${response.status}`);
      this.config = (await response.json()) as DashboardConfig;
    } catch (error) {
      this.show('unavailable', (error as Error).message);
      return;
    }
    this.range = { from: addDays(this.config.today, -6), to: this.config.today };
    this.show('login');
  }

  private applyLang(): void {
    document.documentElement.lang = this.lang === 'zh' ? 'zh-CN' : 'en';
    document.title = this.t('app.title');
  }

  private setLang(lang: Lang): void {
    if (lang === this.lang) return;
    this.lang = lang;
    localStorage.setItem(LANG_KEY, lang);
    this.applyLang();
    if (this.view === 'dashboard') {
      this.renderFrame();
      for (const panel of this.panels) panel.render();
    } else {
      this.show(this.view);
    }
  }

  private show(view: View, detail = ''): void {
    this.view = view;
    if (view !== 'dashboard') this.disposePanels();
    if (view === 'login') this.renderLogin();
    else if (view === 'denied') this.renderDenied();
    else if (view === 'unavailable') this.renderUnavailable(detail);
    else this.renderDashboard();
  }

  // ---- chrome shared by every view

  private langSwitch(): HTMLElement {
    return h(
      'div',
      { class: 'lang-switch', role: 'group', 'aria-label': this.t('lang.switch') },
      LANGS.map((lang) =>
        h(
          'button',
          {
            type: 'button',
            'data-lang': lang,
            'aria-pressed': String(lang === this.lang),
            onclick: () => this.setLang(lang),
          },
          lang === 'zh' ? '中文' : 'English',
        ),
      ),
    );
  }

  private topBar(...extra: (Node | null)[]): HTMLElement {
    return h('header', { class: 'top-bar' }, h('h1', {}, this.t('app.title')), ...extra, this.langSwitch());
  }

  // ---- sign-in

  private renderLogin(): void {
    const email = h('input', {
      type: 'email',
      id: 'login-email',
      name: 'email',
      autocomplete: 'username',
      required: true,
    });
    const password = h('input', {
      type: 'password',
      id: 'login-password',
      name: 'password',
      autocomplete: 'current-password',
      required: true,
    });
    const message = h('p', { class: 'login-message', role: 'alert' }, this.loginMessage ?? '');
    const submit = h('button', { type: 'submit', id: 'login-submit' }, this.t('login.submit'));
    const form = h(
      'form',
      {
        class: 'login-form',
        novalidate: true,
        onsubmit: (event: Event) => {
          event.preventDefault();
          void this.signIn(email.value.trim(), password.value, submit, message);
        },
      },
      h('h2', {}, this.t('login.title')),
      h('p', { class: 'muted' }, this.t('login.hint')),
      h('label', { for: 'login-email' }, this.t('login.email')),
      email,
      h('label', { for: 'login-password' }, this.t('login.password')),
      password,
      submit,
      message,
    );
    replaceChildren(this.root, this.topBar(), h('main', { class: 'centered', 'data-view': 'login' }, form));
    email.focus();
  }

  private async signIn(email: string, password: string, submit: HTMLButtonElement, message: HTMLElement) {
    submit.disabled = true;
    submit.textContent = this.t('login.busy');
    message.textContent = '';
    try {
      this.session = await logIn(this.config!.membersUrl, email, password);
      this.loginMessage = undefined;
      clearTimeout(this.expiryTimer);
      this.expiryTimer = setTimeout(
        () => this.sessionEnded(),
        Math.max(0, this.session.expiresAt - Date.now()),
      );
      this.show(mayUseDashboard(this.session.roles) ? 'dashboard' : 'denied');
    } catch (error) {
      const problem = error instanceof LoginError ? error.problem : 'unavailable';
      message.textContent =
        problem === 'invalid'
          ? this.t('login.invalid')
          : problem === 'throttled'
            ? this.t('login.throttled', { seconds: (error as LoginError).retryAfterSeconds ?? 1 })
            : this.t('login.unavailable', { url: this.config!.membersUrl });
      submit.disabled = false;
      submit.textContent = this.t('login.submit');
    }
  }

  private signOut(): void {
    if (this.session && this.config) void logOut(this.config.membersUrl, this.session.token);
    this.session = undefined;
    clearTimeout(this.expiryTimer);
    this.loginMessage = undefined;
    this.show('login');
  }

  private sessionEnded(): void {
    this.session = undefined;
    this.loginMessage = this.t('login.expired');
    this.show('login');
  }

  // ---- not authorised

  private renderDenied(): void {
    replaceChildren(
      this.root,
      this.topBar(),
      h(
        'main',
        { class: 'centered', 'data-view': 'denied' },
        h(
          'div',
          { class: 'denied', role: 'alert' },
          h('h2', {}, this.t('denied.title')),
          h('p', {}, this.t('denied.body', { roles: this.session?.roles.join(', ') ?? '—' })),
          h('button', { type: 'button', onclick: () => this.signOut() }, this.t('denied.other')),
        ),
      ),
    );
  }

  private renderUnavailable(detail: string): void {
    replaceChildren(
      this.root,
      this.topBar(),
      h(
        'main',
        { class: 'centered', 'data-view': 'unavailable' },
        h(
          'div',
          { class: 'error-state', role: 'alert' },
          h('p', {}, this.t('state.unavailable', { detail })),
          h(
            'button',
            { type: 'button', class: 'retry', onclick: () => void this.start() },
            this.t('state.retry'),
          ),
        ),
      ),
    );
  }

  // ---- the dashboard

  private readonly frame = h('div', { class: 'frame' });
  private readonly grid = h('main', { class: 'grid', 'data-view': 'dashboard' });

  private authProblem = (error: ApiError) => {
    if (this.view !== 'dashboard') return;
    if (error.problem === 'unauthorised') this.sessionEnded();
    else this.show('denied');
  };

  private renderDashboard(): void {
    this.disposePanels();
    const ctx: PanelContext = {
      api: this.api,
      config: this.config!,
      lang: () => this.lang,
      t: this.t,
      range: () => this.range,
      authProblem: this.authProblem,
    };
    this.panels = [
      new SalesPanel(ctx),
      new FunnelPanel(ctx),
      new RfmPanel(ctx),
      new StockWarningsPanel(ctx),
      new AnomaliesPanel(ctx),
      new MatrixPanel(ctx),
      new LifecyclePanel(ctx),
      new StockHealthPanel(ctx),
      new CopurchasePanel(ctx),
      new ExperimentsPanel(ctx),
    ];
    replaceChildren(this.grid, ...this.panels.map((panel) => panel.element));
    this.renderFrame();
    replaceChildren(this.root, this.frame, this.grid);
    for (const panel of this.panels) void panel.load();
  }

  /** The top bar of the dashboard: range, language, who is signed in. */
  private renderFrame(): void {
    const from = h('input', {
      type: 'date',
      id: 'range-from',
      value: this.range.from,
      max: this.config!.today,
    });
    const to = h('input', { type: 'date', id: 'range-to', value: this.range.to, max: this.config!.today });
    const problem = h('span', { class: 'range-problem', role: 'status' });
    const apply = (range: DayRange) => {
      const issue = rangeProblem(range);
      if (issue) {
        problem.textContent = this.t(`range.${issue}`);
        return;
      }
      this.range = range;
      this.renderFrame();
      for (const panel of this.panels) if (panel.followsRange) void panel.load();
    };
    const lastDays = (n: number) =>
      apply({ from: addDays(this.config!.today, -(n - 1)), to: this.config!.today });
    const form = h(
      'form',
      {
        class: 'range',
        onsubmit: (event: Event) => {
          event.preventDefault();
          apply({ from: from.value, to: to.value });
        },
      },
      h('label', { for: 'range-from' }, this.t('range.from')),
      from,
      h('label', { for: 'range-to' }, this.t('range.to')),
      to,
      h('button', { type: 'submit', id: 'range-apply' }, this.t('range.apply')),
      h('button', { type: 'button', class: 'link', onclick: () => lastDays(7) }, this.t('range.last7')),
      h('button', { type: 'button', class: 'link', onclick: () => lastDays(30) }, this.t('range.last30')),
      h('span', { class: 'muted' }, this.t('range.timeZone', { timeZone: this.config!.timeZone })),
      problem,
    );
    replaceChildren(
      this.frame,
      this.topBar(
        form,
        h(
          'div',
          { class: 'who' },
          h(
            'span',
            { class: 'muted' },
            this.t('nav.signedInAs', { roles: this.session?.roles.join(', ') ?? '' }),
          ),
          h(
            'button',
            { type: 'button', id: 'logout', class: 'link', onclick: () => this.signOut() },
            this.t('nav.logout'),
          ),
        ),
      ),
    );
  }

  private disposePanels(): void {
    for (const panel of this.panels) panel.dispose();
    this.panels = [];
  }
}

void new DashboardApp(document.getElementById('app')!).start();
