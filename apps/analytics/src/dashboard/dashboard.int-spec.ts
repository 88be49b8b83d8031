import { rebuildFunnelAggregate } from '@ecom/analytics-read-models';
import { SERVICES } from '@ecom/platform';
import {
  freePort,
  randomSuffix,
  ServiceProcess,
  startServiceProcess,
  startTestService,
  TestService,
} from '@ecom/testing';
import { writeFileSync } from 'fs';
import { join } from 'path';
import type { Browser, Page } from 'playwright-core';
import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import {
  ARTIFACTS,
  cspViolations,
  launchChromium,
  PageRecord,
  recordedPage,
  screenshot,
} from './test/browser';
import { ensureDashboardBuilt } from './test/build-dashboard';

/**
 * The operations dashboard in real headless Chromium, against the analytics app (in this process)
 * and the members service (a process): sign-in, every panel filled with seeded figures, the language
 * switch, filters, the live stock warnings, the empty and error states, and what must never happen
 * (a token in a URL or in storage, a request to anywhere else, a CSP violation).
 *
 * The analytics clock is frozen at 2026-03-10 12:00 in Asia/Shanghai, so the default range is
 * 2026-03-04..2026-03-10 and the previous period 2026-02-25..2026-03-03. Seeded (figures by hand):
 *   this period: 6 visitors (web v1-v4 on 03-09, app v5-v6 on 03-10); v1, v2, v5 view, add to cart,
 *     place and pay one order each: o1 SKU-STAR 10 x 10.00, o2 SKU-TRAFFIC 12 x 5.00 + SKU-SLOW
 *     1 x 10.00, o3 SKU-PROFIT 2 x 50.00 -> GMV 270.00, 3 paid orders, AOV 90.00, UV 6, conversion 50%
 *   previous period: 4 visitors on 02-28, one pays o0 of 150.00 -> GMV 150.00, UV 4, conversion 25%
 *   so GMV +80.0%: UV +50%, conversion +100% (the largest share), orders per buyer 1 -> 1, AOV -40%
 *   product matrix (unit costs 4.00, 4.50, 10.00, 9.00): medians 6 units and 33.00 margin;
 *     SKU-STAR star, SKU-TRAFFIC traffic, SKU-PROFIT profit, SKU-SLOW slow
 *   RFM: members m1 (o0, o1), m2, m3 and m4, whose only order (2025-11-01) makes them sleeping
 *   lifecycle as of 03-10 (new <= 30 days, active <= 60, sleeping > 90 and <= 180): m2, m3 new (one
 *     order, 1 and 0 days old), m1 active (two orders), m4 sleeping (129 days) -> 2 / 1 / 0 / 1 / 0
 *   cohorts 2025-04..2026-03: 2025-11 m4 (0% in each of M+1..M+4), 2026-02 m1 (100% in M+1, March
 *     still running), 2026-03 m2, m3 (no month after yet)
 *   repurchase 2025-03-11..2026-03-10: outerwear (SKU-STAR) m1 twice, 9 days apart -> 1 buyer, 1
 *     again, 100%, median 9; accessories (the others) m2, m3, m4 once each -> 3 buyers, 0%, no median
 *   anomaly alerts: open GMV drop 03-10 09:00-10:00 (expected 200.00, actual 80.00, -60%) and the
 *     refund rate of SKU-SLOW over the 30 days to 03-09 (20% expected, 50% actual, +150%); a
 *     cleared conversion alert, not listed
 *   stock at 03-10 04:00Z: SKU-STAR 20 on hand (2 reserved), 8 shipped on 03-01, batches of 12
 *     received 03-01 (9 days) and 8 received 2025-11-20 (110 days) expiring 03-20; SKU-TRAFFIC none
 *     on hand, 12 shipped on 03-09; SKU-PROFIT 5 on hand received 2025-12-25 (75 days), expired 03-05
 *     -> outerwear sell-through (8 + 2) / (8 + 20) = 35.7%, 12 units 0-30 days and 8 over 90,
 *     average (12 x 9 + 8 x 110) / 20 = 49.4 days; accessories 12 / (12 + 5) = 70.6%, 5 units 61-90
 *     days; value at risk within 30 days: 8 x 4.00 + 5 x 10.00 = 82.00 at cost, 8 x 10.00 + 5 x 50.00
 *     = 330.00 at retail, 13 units of which 5 expired
 *   co-purchase counts: 10 orders; SKU-STAR 6, SKU-TRAFFIC 5, SKU-SLOW 4, SKU-PROFIT 2; SLOW+TRAFFIC 4,
 *     STAR+TRAFFIC 3, PROFIT+STAR 1 (under the minimum support of 2 orders) -> SLOW+TRAFFIC support
 *     40%, confidence 4/4 = 100% and 4/5 = 80%, lift 4 x 10 / (4 x 5) = 2; STAR+TRAFFIC 30%, 50% and
 *     60%, lift 1; SKU-TRAFFIC's partners SKU-SLOW (80%, lift 2) then SKU-STAR (60%, lift 1)
 *   experiment checkout-button: v1-v3 in A (o1, o2 paid: 2 of 3, 66.7%, revenue 170.00, AOV 85.00,
 *     56.67 per visitor), v4-v6 in B (o3: 1 of 3, 33.3%, 100.00, AOV 100.00, 33.33 per visitor);
 *     B - A = -33.3 pp, Wald interval -1/3 +- 1.96 x sqrt(2/27 + 2/27) = [-108.8, +42.1] pp, pooled
 *     z = -0.8165, p = 0.414; 3 visitors a variant is a sample too small
 *   experiment hero-banner: v1, v2 in control, v3, v4 in new, nobody paid with it: 0% both, 0.0 pp,
 *     no p-value (no spread)
 */
/**
 * The few browser globals the page-side functions use. This file is compiled for Node, without the
 * DOM's types; Playwright runs these functions in the page (by their source text, so they refer to
 * nothing of this file), where `globalThis` is the window.
 */
interface PageGlobals {
  document: {
    cookie: string;
    querySelector(selector: string): { textContent: string | null } | null;
    querySelectorAll(selector: string): Iterable<{ dataset: Record<string, string | undefined> }>;
  };
  localStorage: Record<string, string>;
  sessionStorage: Record<string, string>;
  location: { href: string };
  performance: { getEntriesByType(type: 'resource'): { name: string; encodedBodySize: number }[] };
}

describe('operations dashboard (GET /dashboard) in headless Chromium', () => {
  const PASSWORD = 'dashboard horse battery 7';
  const suffix = randomSuffix();
  const member = (n: number) => `dash-${suffix}-m${n}`;
  let analytics: TestService;
  let members: ServiceProcess;
  let dataSource: DataSource;
  let browser: Browser;
  let operatorEmail: string;
  let customerEmail: string;
  let operatorToken: string;
  const measurements: Record<string, number> = {};

  async function register(label: string, roles?: string[]): Promise<string> {
    const email = `${label}.${suffix}@example.com`;
    const created = await members.http('/v1/members', {
      body: { email, password: PASSWORD, displayName: label },
    });
    expect(created.status).toBe(201);
    if (roles) {
      const admin = await members.tokens.bearer(`admin-${suffix}`, 'admin');
      const changed = await members.http(`/v1/members/${created.body.id}/roles`, {
        method: 'PUT',
        token: admin,
        body: { roles },
      });
      expect(changed.status).toBe(200);
    }
    return email;
  }

  beforeAll(async () => {
    ensureDashboardBuilt();
    const membersPort = await freePort();
    analytics = await startTestService(AppModule, SERVICES.analytics, {
      env: {
        ANALYTICS_FIXED_NOW: '2026-03-10T04:00:00.000Z',
        ANALYTICS_TZ: 'Asia/Shanghai',
        // The figures must change as soon as the test seeds them.
        ANALYTICS_CACHE_TTL_MS: '0',
        RFM_RECOMPUTE_INTERVAL_MS: '0',
        MEMBERS_PUBLIC_URL: `http://127.0.0.1:${membersPort}`,
      },
    });
    dataSource = analytics.app.get(DataSource);
    members = await startServiceProcess('members', {
      httpPort: membersPort,
      tokens: analytics.tokens,
      env: {
        JWT_PRIVATE_KEY: analytics.tokens.keys.privateKeyPem,
        PASSWORD_SCRYPT_LOG_N: '13',
        REGISTRATION_MAX_PER_ADDRESS: '100000',
        // The page's origin may call members from the browser; every request line is logged.
        CORS_ORIGINS: analytics.baseUrl,
        LOG_LEVEL: 'debug',
      },
    });
    operatorEmail = await register('operator', ['operator']);
    customerEmail = await register('customer');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    writeMeasurements();
    await browser?.close();
    await members?.close();
    await analytics?.close();
    for (const name of [
      'ANALYTICS_FIXED_NOW',
      'ANALYTICS_CACHE_TTL_MS',
      'RFM_RECOMPUTE_INTERVAL_MS',
      'MEMBERS_PUBLIC_URL',
    ])
      delete process.env[name];
  });

  function writeMeasurements(): void {
    if (Object.keys(measurements).length === 0) return;
    writeFileSync(join(ARTIFACTS, 'measurements.json'), `${JSON.stringify(measurements, null, 2)}\n`);
    console.log(`dashboard measurements: ${JSON.stringify(measurements)}`);
  }

  /** Opens the page and signs in; resolves with the token members issued (read off the wire). */
  async function signIn(page: Page, email: string): Promise<string> {
    await page.goto(`${analytics.baseUrl}/dashboard`);
    await page.waitForSelector('[data-view=login]');
    await page.fill('#login-email', email);
    await page.fill('#login-password', PASSWORD);
    const [login] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith('/v1/auth/login')),
      page.click('#login-submit'),
    ]);
    expect(login.status()).toBe(200);
    return ((await login.json()) as { accessToken: string }).accessToken;
  }

  const panelsSettled = (page: Page) =>
    page.waitForFunction(() => {
      const panels = [...(globalThis as unknown as PageGlobals).document.querySelectorAll('.panel')];
      return panels.length === 10 && panels.every((panel) => panel.dataset.state !== 'loading');
    });

  const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

  /** Every request went to the page's own origin or the members service: nothing else is reachable. */
  function expectOnlyServiceOrigins(record: PageRecord): void {
    const allowed = [new URL(analytics.baseUrl).origin, new URL(members.baseUrl).origin];
    expect(record.requests.length).toBeGreaterThan(0);
    expect(record.requests.filter((url) => !allowed.includes(new URL(url).origin))).toEqual([]);
  }

  it('serves the page with its own strict policy and caches only the hashed assets for long', async () => {
    const page = await fetch(`${analytics.baseUrl}/dashboard`, { headers: { 'accept-encoding': 'gzip' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const policy = page.headers.get('content-security-policy')!;
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain(`connect-src 'self' ${members.baseUrl};`);
    expect(policy).not.toContain('unsafe');
    const html = await page.text();
    const script = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(html)![1];
    const asset = await fetch(`${analytics.baseUrl}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    // The API keeps its own policy; nothing but the built files is served under /dashboard.
    expect((await analytics.http('/v1/analytics/sales')).headers.get('content-security-policy')).toContain(
      "default-src 'none'",
    );
    expect((await fetch(`${analytics.baseUrl}/dashboard/assets/../../package.json`)).status).toBe(404);
    expect((await fetch(`${analytics.baseUrl}/dashboard/nothing.js`)).status).toBe(404);
    const config = await analytics.http('/dashboard/config.json');
    expect(config.body).toEqual({
      membersUrl: members.baseUrl,
      timeZone: 'Asia/Shanghai',
      currency: 'CNY',
      today: '2026-03-10',
      stockWarningsRefreshMs: 10_000,
    });
  });

  it('shows what to do when there is no data yet, in Chinese first, without any request elsewhere', async () => {
    const { page, record } = await recordedPage(browser);
    const started = Date.now();
    await page.goto(`${analytics.baseUrl}/dashboard`);
    await page.waitForSelector('[data-view=login]');
    measurements.loginViewRenderedMs = Date.now() - started;
    expect(await text(page, 'h1')).toBe('运营看板');

    operatorToken = await signIn(page, operatorEmail);
    await panelsSettled(page);
    for (const panel of ['sales', 'funnel', 'matrix']) {
      expect(await text(page, `#panel-${panel} .empty-state`)).toContain('npm run simulate');
    }
    expect(await text(page, '#panel-rfm .empty-state')).toContain('尚未计算 RFM 评分');
    expect(await text(page, '#panel-warnings .empty-state')).toBe('当前没有库存预警。');
    expect(await text(page, '#panel-anomalies .empty-state')).toContain('当前没有未关闭的异常告警');
    expect(await text(page, '#panel-lifecycle .empty-state')).toContain('npm run simulate');
    expect(await text(page, '#panel-stock-health .empty-state')).toContain('还没有库存记录');
    expect(await text(page, '#panel-copurchase .empty-state')).toContain('还没有统计到支付订单');
    expect(await text(page, '#panel-experiments .empty-state')).toContain('该时间段没有访客进入任何实验');
    await screenshot(page, 'empty');
    expectOnlyServiceOrigins(record);
    expect(await cspViolations(page)).toEqual([]);
    await page.context().close();
  });

  describe('with seeded data', () => {
    beforeAll(async () => {
      await seed();
      const recompute = await analytics.http('/v1/analytics/rfm/recompute', {
        method: 'POST',
        token: await analytics.tokens.bearer('op-seed', 'operator'),
      });
      expect(recompute.status).toBe(200);
    });

    it('an operator signs in and sees every panel filled with the seeded figures, in zh then en', async () => {
      const { page, record } = await recordedPage(browser);
      const started = Date.now();
      const token = await signIn(page, operatorEmail);
      await panelsSettled(page);
      measurements.signInToAllPanelsMs = Date.now() - started;
      expect(await page.locator('.panel[data-state=error]').count()).toBe(0);

      // Sales: the range's figures, and what moved GMV against 2026-02-25..03-03.
      expect(await text(page, '[data-testid=kpi-gmv]')).toBe('¥270.00');
      expect(await text(page, '[data-testid=kpi-orders]')).toBe('3');
      expect(await text(page, '[data-testid=kpi-aov]')).toBe('¥90.00');
      expect(await text(page, '[data-testid=kpi-uv]')).toBe('6');
      expect(await text(page, '[data-testid=kpi-conversion]')).toBe('50.0%');
      expect(await text(page, '[data-testid=gmv-driver]')).toBe(
        'GMV +80.0%（¥150.00 → ¥270.00），主要驱动因素：转化率（+100.0%）。',
      );
      expect(await page.locator('tr.main-driver').getAttribute('data-factor')).toBe('conversion');
      expect(await text(page, 'tr[data-factor=aov]')).toContain('-40.0%');
      expect(await page.locator('[data-testid=sales-money-chart] canvas').count()).toBe(1);

      // Funnel: visit 6 -> view 4 -> cart 3 -> placed 3 -> paid 3.
      const visitors = await page.locator('.funnel-table tbody tr td:nth-child(2)').allInnerTexts();
      expect(visitors).toEqual(['6', '4', '3', '3', '3']);
      expect(await text(page, 'tr[data-step=product_view]')).toContain('66.7%');
      expect(await text(page, 'tr[data-step=product_view]')).toContain('2 (33.3%)');

      // Product matrix: one SKU per quadrant.
      for (const [quadrant, sku] of [
        ['star', 'SKU-STAR'],
        ['traffic', 'SKU-TRAFFIC'],
        ['profit', 'SKU-PROFIT'],
        ['slow', 'SKU-SLOW'],
      ]) {
        expect(await page.locator(`[data-quadrant=${quadrant}] li`).getAttribute('data-sku')).toBe(sku);
      }
      expect(await text(page, '[data-quadrant=star] li')).toContain('¥60.00');

      // RFM: the segment counts are the API's.
      const segments = (await analytics.http('/v1/analytics/rfm/segments', { token: `Bearer ${token}` }))
        .body;
      expect(segments.members).toBe(4);
      expect(await text(page, '[data-testid=rfm-summary]')).toContain('已评分会员 4 人，其中沉睡 1 人');
      for (const segment of segments.segments as { code: string; members: number }[]) {
        expect(await text(page, `tr[data-segment-row=${segment.code}] td:nth-child(2)`)).toBe(
          String(segment.members),
        );
      }

      // Stock warnings: the most severe first, with its figures.
      const rows = page.locator('.warnings-table tbody tr');
      expect(await rows.count()).toBe(2);
      expect(await rows.nth(0).getAttribute('data-sku')).toBe('SKU-TRAFFIC');
      expect(await rows.nth(0).innerText()).toContain('紧急');
      expect(await rows.nth(1).innerText()).toMatch(/低于安全库存\s+SKU-STAR\s+全部\s+3\s+10\s+1\.5\s+25/);

      // Anomaly alerts: the open ones, newest window first, each figure in its metric's unit.
      const alerts = page.locator('.anomalies-table tbody tr');
      expect(await alerts.count()).toBe(2);
      expect(await alerts.nth(0).getAttribute('data-alert')).toBe('HOURLY:GMV:2026-03-10T09');
      expect(await alerts.nth(0).innerText()).toMatch(
        /小时指标\s+GMV\s+¥200\.00\s+¥80\.00\s+-60\.0%（下降）\s+2026-03-10 09:00 – 10:00/,
      );
      expect(await alerts.nth(1).innerText()).toMatch(
        /退款率\s+退款率 · SKU-SLOW\s+20\.0%\s+50\.0%\s+\+150\.0%（上升）\s+2026-02-08 00:00 – 2026-03-10 00:00/,
      );

      // Lifecycle: members per stage, the cohorts' retention, repurchase per category.
      expect(await text(page, '[data-testid=lifecycle-summary]')).toBe(
        '有支付订单的会员 4 人，阶段截至 2026-03-10',
      );
      for (const [stage, members] of [
        ['new', '2'],
        ['active', '1'],
        ['at_risk', '0'],
        ['sleeping', '1'],
        ['lost', '0'],
      ])
        expect(await text(page, `tr[data-stage=${stage}] td:nth-child(2)`)).toBe(members);
      expect(await text(page, 'tr[data-stage=new]')).toMatch(/新客\s+2\s+50\.0%/);
      expect(await page.locator('[data-testid=lifecycle-chart] canvas').count()).toBe(1);
      // ECharts may draw the heatmap's hover and legend on canvases of their own.
      expect(await page.locator('[data-testid=cohort-heatmap] canvas').count()).toBeGreaterThanOrEqual(1);
      expect(await page.locator('.cohort-table tbody tr').allTextContents()).toEqual([
        '2025-111第1月 0.0% · 第2月 0.0% · 第3月 0.0% · 第4月 0.0%*',
        '2026-021第1月 100.0%*',
        '2026-032—',
      ]);
      expect(await text(page, 'tr[data-category=outerwear]')).toMatch(/outerwear\s+1\s+1\s+100\.0%\s+9/);
      expect(await text(page, 'tr[data-category=accessories]')).toMatch(/accessories\s+3\s+0\s+0\.0%\s+—/);

      // Stock health: value at risk per currency and category, sell-through and age per category.
      expect(await text(page, '[data-testid=risk-cost-CNY]')).toBe('¥82.00');
      expect(await text(page, '[data-testid=risk-retail-CNY]')).toBe('¥330.00');
      expect(await text(page, '#panel-stock-health .kpi')).toContain('13 件，其中已过期 5 件');
      expect(await text(page, '.risk-table tr[data-category=outerwear]')).toMatch(
        /outerwear\s+CNY\s+1\s+8\s+0\s+¥32\.00\s+¥80\.00/,
      );
      expect(await text(page, '.risk-table tr[data-category=accessories]')).toMatch(
        /accessories\s+CNY\s+1\s+5\s+5\s+¥50\.00\s+¥250\.00/,
      );
      expect(await text(page, '.health-table tr[data-category=outerwear]')).toMatch(
        /outerwear\s+1\s+20\s+35\.7%\s+12\s+0\s+0\s+8\s+0\s+49\.4/,
      );
      expect(await text(page, '.health-table tr[data-category=accessories]')).toMatch(
        /accessories\s+2\s+5\s+70\.6%\s+0\s+0\s+5\s+0\s+0\s+75/,
      );

      // Co-purchase: the pairs by lift; a SKU clicked shows its partners.
      const pairs = page.locator('.copurchase-table tbody tr');
      expect(await pairs.count()).toBe(2);
      expect(await pairs.nth(0).innerText()).toMatch(
        /SKU-SLOW\s+SKU-TRAFFIC\s+4\s+40\.0%\s+100\.0%\s+80\.0%\s+2$/,
      );
      expect(await pairs.nth(1).innerText()).toMatch(
        /SKU-STAR\s+SKU-TRAFFIC\s+3\s+30\.0%\s+50\.0%\s+60\.0%\s+1$/,
      );
      await page.click(
        '.copurchase-table tr[data-pair="SKU-SLOW+SKU-TRAFFIC"] button[data-copurchase-sku=SKU-TRAFFIC]',
      );
      const partners = page.locator('.partners-table tbody tr');
      await partners.first().waitFor();
      expect(await text(page, '[data-testid=copurchase-partners] h3')).toBe(
        '与 SKU-TRAFFIC 一起购买（5 笔订单）',
      );
      expect(await partners.allInnerTexts()).toEqual([
        expect.stringMatching(/^SKU-SLOW\s+4\s+40\.0%\s+80\.0%\s+2$/),
        expect.stringMatching(/^SKU-STAR\s+3\s+30\.0%\s+60\.0%\s+1$/),
      ]);

      // A/B test: per variant, and B against the control A, too few visitors to decide.
      expect(await page.locator('#experiment-key option').allInnerTexts()).toEqual([
        'checkout-button',
        'hero-banner',
      ]);
      expect(await text(page, 'tr[data-variant=A]')).toMatch(
        /A\s+对照组\s+3\s+66\.7%\s+¥85\.00\s+¥56\.67\s+¥170\.00\s+—\s+—\s+—\s+—/,
      );
      expect(await text(page, 'tr[data-variant=B]')).toMatch(
        /B\s+3\s+33\.3%\s+¥100\.00\s+¥33\.33\s+¥100\.00\s+-33\.3 pp\s+\[-108\.8, \+42\.1\] pp\s+0\.414\s+样本量不足/,
      );
      await screenshot(page, 'operator-zh');

      // English: the same figures under English labels.
      await page.click('button[data-lang=en]');
      expect(await text(page, 'h1')).toBe('Operations dashboard');
      expect(await text(page, '#panel-sales h2')).toBe('Sales');
      expect(await text(page, '[data-testid=gmv-driver]')).toBe(
        'GMV +80.0% (¥150.00 → ¥270.00); moved most by Conversion (+100.0%).',
      );
      expect(await text(page, '.funnel-table tbody tr')).toContain('Visit');
      expect(await rows.nth(1).innerText()).toContain('Below safety stock');
      expect(await text(page, '[data-testid=kpi-gmv]')).toBe('¥270.00');
      expect(await text(page, '#panel-anomalies h2')).toBe('Anomaly alerts');
      expect(await alerts.nth(0).innerText()).toMatch(/Hourly\s+GMV\s+¥200\.00\s+¥80\.00\s+-60\.0% \(drop\)/);
      expect(await text(page, '#panel-lifecycle h2')).toBe('Lifecycle and cohorts');
      expect(await text(page, 'tr[data-stage=sleeping]')).toMatch(/Sleeping\s+1\s+25\.0%/);
      expect(await text(page, '.cohort-table tbody tr[data-cohort="2026-02"]')).toContain('M+1 100.0%*');
      expect(await text(page, '#panel-stock-health h2')).toBe('Stock health');
      expect(await text(page, '#panel-stock-health .kpi')).toContain('13 units, 5 already expired');
      expect(await text(page, '#panel-copurchase h2')).toBe('Bought together');
      expect(await text(page, '[data-testid=copurchase-partners] h3')).toBe(
        'Bought with SKU-TRAFFIC (5 orders)',
      );
      expect(await text(page, 'tr[data-variant=B] .badge')).toBe('Sample too small');
      await screenshot(page, 'operator-en');

      // The token stayed in memory: not in any URL, not in the browser's storage, not in members' log.
      const stored = await page.evaluate(() => {
        const { localStorage, sessionStorage, document, location } = globalThis as unknown as PageGlobals;
        return JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie, location.href]);
      });
      expect(stored).not.toContain(token);
      expect(stored).toContain('ecom.dashboard.lang');
      expect(record.requests.filter((url) => url.includes(token))).toEqual([]);
      expect(members.output()).toContain('/v1/auth/login');
      expect(members.output()).not.toContain(token.split('.')[2]);
      expectOnlyServiceOrigins(record);
      expect(await cspViolations(page)).toEqual([]);
      expect(record.errors).toEqual([]);

      // Script weight (compressed, as served) and the first render, from the browser's own timings.
      const scripts = await page.evaluate(() =>
        (globalThis as unknown as PageGlobals).performance
          .getEntriesByType('resource')
          .filter((entry) => entry.name.endsWith('.js'))
          .reduce((sum, entry) => sum + entry.encodedBodySize, 0),
      );
      measurements.scriptBytesGzipped = scripts;
      expect(scripts).toBeGreaterThan(0);
      expect(scripts).toBeLessThan(500 * 1024);

      // Logging out revokes the token at members, not only in the page.
      const [logout] = await Promise.all([
        page.waitForResponse((response) => response.url().endsWith('/v1/auth/logout')),
        page.click('#logout'),
      ]);
      expect(logout.status()).toBe(204);
      await page.waitForSelector('[data-view=login]');
      let meStatus = 200;
      for (const until = Date.now() + 15_000; meStatus === 200 && Date.now() < until;) {
        const me = await fetch(`${members.baseUrl}/v1/members/me`, {
          headers: { authorization: `Bearer ${token}` },
        });
        meStatus = me.status;
        if (meStatus === 200) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(meStatus).toBe(401);
      await page.context().close();
    });

    it('filters the funnel by channel, opens a segment and a member, marks the sleeping one, changes the range', async () => {
      const { page } = await recordedPage(browser);
      const token = await signIn(page, operatorEmail);
      await panelsSettled(page);

      await page.selectOption('#funnel-channel', 'app');
      await page.waitForFunction(
        () =>
          (globalThis as unknown as PageGlobals).document.querySelector(
            '.funnel-table tbody tr td:nth-child(2)',
          )?.textContent === '2',
      );
      expect(await page.locator('.funnel-table tbody tr td:nth-child(2)').allInnerTexts()).toEqual([
        '2',
        '1',
        '1',
        '1',
        '1',
      ]);

      const sleeper = (
        await analytics.http(`/v1/analytics/rfm/members/${member(4)}`, { token: `Bearer ${token}` })
      ).body;
      expect(sleeper.sleeping).toBe(true);
      await page.click(`button[data-segment=${sleeper.segmentCode}]`);
      const row = page.locator(`tr[data-member="${member(4)}"]`);
      await row.waitFor();
      expect(await row.getAttribute('class')).toContain('is-sleeping');
      expect(await row.innerText()).toContain('沉睡');
      expect(await row.innerText()).toContain('SILVER');
      await row.click();
      const detail = page.locator('[data-testid=rfm-detail]');
      await detail.waitFor();
      expect(await detail.innerText()).toContain(`会员 ${member(4)}`);
      expect(await detail.innerText()).toContain(String(sleeper.recencyDays));
      expect(await detail.innerText()).toContain('2025-11-01 18:00');
      expect(await detail.innerText()).toMatch(/会员等级\s+SILVER/);
      await screenshot(page, 'rfm-member');

      // Another experiment: its own variants, the control named "control" chosen as such.
      await page.selectOption('#experiment-key', 'hero-banner');
      await page.locator('#panel-experiments[data-state=ready] tr[data-variant=new]').waitFor();
      expect(await page.locator('.experiment-table tbody tr').count()).toBe(2);
      expect(await text(page, 'tr[data-variant=control]')).toMatch(/control\s+对照组\s+2\s+0\.0%\s+—/);
      expect(await text(page, 'tr[data-variant=new]')).toMatch(
        /new\s+2\s+0\.0%\s+—\s+¥0\.00\s+¥0\.00\s+0\.0 pp\s+\[0\.0, 0\.0\] pp\s+—\s+样本量不足/,
      );

      // Another range: the previous period's own figures.
      await page.fill('#range-from', '2026-02-25');
      await page.fill('#range-to', '2026-03-03');
      await page.click('#range-apply');
      await page.waitForFunction(
        () =>
          (globalThis as unknown as PageGlobals).document.querySelector('[data-testid=kpi-gmv]')
            ?.textContent === '¥150.00',
      );
      expect(await text(page, '[data-testid=kpi-uv]')).toBe('4');
      expect(await text(page, '[data-testid=kpi-conversion]')).toBe('25.0%');
      // The A/B tests follow the range: nobody was exposed then. Lifecycle is as of today, unchanged.
      await page.locator('#panel-experiments[data-state=empty]').waitFor();
      expect(await text(page, '#panel-experiments .empty-state')).toContain('该时间段没有访客进入任何实验');
      expect(await text(page, 'tr[data-stage=new] td:nth-child(2)')).toBe('2');
      await page.context().close();
    });

    it('shows a stock warning raised while the page is open, highlighted, without a reload', async () => {
      const { page, record } = await recordedPage(browser);
      await signIn(page, operatorEmail);
      await panelsSettled(page);
      expect(await page.locator('.warnings-table tbody tr').count()).toBe(2);
      const documents = record.requests.filter((url) => url.endsWith('/dashboard')).length;

      expect(await page.locator('.anomalies-table tbody tr').count()).toBe(2);

      await insertWarning('OUT_OF_STOCK', 'SKU-FLASH', 0, 5, null, 30);
      await insertAlert({
        id: 'PAYMENT_FAILURE_BURST:PAYMENT_FAILURES:2026-03-10T11:50',
        type: 'PAYMENT_FAILURE_BURST',
        metric: 'PAYMENT_FAILURES',
        direction: 'SPIKE',
        expected: 20,
        actual: 35,
        deviation: 0.75,
        from: '2026-03-10T03:50:00Z',
        to: '2026-03-10T04:00:00Z',
      });
      const flash = page.locator('.warnings-table tr[data-sku=SKU-FLASH]');
      await flash.waitFor({ timeout: 25_000 });
      // The alert panel asks again on the same beat: the burst on top, highlighted, counted failures.
      const burst = page.locator('.anomalies-table tbody tr').first();
      await page.locator('.anomalies-table tr[data-metric=PAYMENT_FAILURES]').waitFor({ timeout: 25_000 });
      expect(await burst.getAttribute('class')).toBe('changed');
      expect(await burst.innerText()).toMatch(
        /支付失败激增\s+支付失败次数\s+20\s+35\s+\+75\.0%（上升）\s+2026-03-10 11:50 – 12:00/,
      );
      expect(await page.locator('.anomalies-table tr.changed').count()).toBe(1);
      expect(await flash.getAttribute('class')).toBe('changed');
      expect(await page.locator('.warnings-table tr.changed').count()).toBe(1);
      expect(await page.locator('[data-severity-count=critical]').innerText()).toBe('紧急 2');
      expect(record.requests.filter((url) => url.endsWith('/dashboard')).length).toBe(documents);
      await screenshot(page, 'stock-warning-live');
      await page.context().close();
    });

    it('says the analytics service is unavailable and loads the panel again on retry', async () => {
      const { page } = await recordedPage(browser);
      let refused = 0;
      await page.route('**/v1/analytics/products/matrix**', async (route) => {
        if (refused++ === 0)
          await route.fulfill({ status: 503, body: '{"statusCode":503,"message":"not ready"}' });
        else await route.continue();
      });
      let cohortsRefused = 0;
      await page.route('**/v1/analytics/cohorts**', async (route) => {
        if (cohortsRefused++ === 0)
          await route.fulfill({ status: 503, body: '{"statusCode":503,"message":"not ready"}' });
        else await route.continue();
      });
      await signIn(page, operatorEmail);
      await panelsSettled(page);
      const matrix = page.locator('#panel-matrix');
      expect(await matrix.getAttribute('data-state')).toBe('error');
      expect(await matrix.locator('[role=alert]').innerText()).toContain('分析服务没有响应（503 not ready）');
      await matrix.locator('button.retry').click();
      await page.locator('#panel-matrix[data-state=ready]').waitFor();
      expect(await matrix.locator('[data-quadrant=star] li').getAttribute('data-sku')).toBe('SKU-STAR');

      // A panel of several answers fails as a whole and loads them all again on retry.
      const lifecycle = page.locator('#panel-lifecycle');
      expect(await lifecycle.getAttribute('data-state')).toBe('error');
      expect(await lifecycle.locator('[role=alert]').innerText()).toContain(
        '分析服务没有响应（503 not ready）',
      );
      await lifecycle.locator('button.retry').click();
      await page.locator('#panel-lifecycle[data-state=ready]').waitFor();
      expect(await text(page, '.cohort-table tr[data-cohort="2026-02"]')).toContain('第1月 100.0%*');
      await page.context().close();
    });
  });

  it('tells a customer they are not authorised, and the API refuses their token and no token', async () => {
    const { page, record } = await recordedPage(browser);
    const token = await signIn(page, customerEmail);
    await page.waitForSelector('[data-view=denied]');
    expect(await text(page, '.denied h2')).toBe('无权访问');
    expect(await text(page, '.denied p')).toContain('customer');
    expect(record.requests.filter((url) => url.includes('/v1/analytics/'))).toEqual([]);
    await screenshot(page, 'customer-denied');
    expect((await analytics.http('/v1/analytics/sales', { token: `Bearer ${token}` })).status).toBe(403);
    expect((await analytics.http('/v1/analytics/stock-warnings')).status).toBe(401);
    expect(operatorToken).not.toBe(token);
    await page.context().close();
  });

  // ---- seeding the read models the way the projector writes them

  async function insertWarning(
    type: string,
    sku: string,
    available: number,
    safetyStock: number,
    daysOfCover: number | null,
    reorder: number,
  ): Promise<void> {
    await dataSource.query(`INSERT INTO an_stock_items (sku) VALUES ($1) ON CONFLICT DO NOTHING`, [sku]);
    await dataSource.query(
      `INSERT INTO an_stock_warnings (type, sku, warehouse_key, warehouse, available, safety_stock, days_of_cover,
                                      suggested_reorder_qty, since)
       VALUES ($1, $2, '*', NULL, $3, $4, $5, $6, '2026-03-10T02:00:00Z')`,
      [type, sku, available, safetyStock, daysOfCover, reorder],
    );
  }

  async function seed(): Promise<void> {
    // A visitor's day: the funnel steps reached, in order, from `at` a minute apart.
    const visit = async (
      visitor: string,
      day: string,
      at: string,
      channel: string,
      steps: number,
      sku = 'SKU-STAR',
    ) => {
      const names = ['page_view', 'product_view', 'add_to_cart', 'order_placed', 'order_paid'].slice(
        0,
        steps,
      );
      for (const [i, step] of names.entries()) {
        await dataSource.query(
          `INSERT INTO an_visitor_events (event_id, day, visitor_id, member_id, step, occurred_at, channel, sku)
           VALUES ($1, $2, $3, NULL, $4, $5::timestamptz + make_interval(mins => $6), $7, $8)`,
          [randomUUID(), day, `${suffix}-${visitor}`, step, at, i, channel, sku],
        );
      }
    };
    for (const v of ['v1', 'v2']) await visit(v, '2026-03-09', '2026-03-09T02:00:00Z', 'web', 5);
    await visit('v3', '2026-03-09', '2026-03-09T02:00:00Z', 'web', 2);
    await visit('v4', '2026-03-09', '2026-03-09T02:00:00Z', 'web', 1);
    await visit('v5', '2026-03-10', '2026-03-10T01:00:00Z', 'app', 5);
    await visit('v6', '2026-03-10', '2026-03-10T01:00:00Z', 'app', 1);
    await visit('v7', '2026-02-28', '2026-02-28T02:00:00Z', 'web', 5);
    for (const v of ['v8', 'v9', 'v10']) await visit(v, '2026-02-28', '2026-02-28T02:00:00Z', 'web', 1);
    await rebuildFunnelAggregate(dataSource);

    const order = async (
      id: string,
      memberNo: number,
      visitor: string,
      paidAt: string,
      day: string,
      lines: [string, number, number][],
    ) => {
      const total = lines.reduce((sum, [, quantity, price]) => sum + quantity * price, 0);
      const orderId = `${suffix}-${id}`;
      await dataSource.query(
        `INSERT INTO an_orders_placed (order_id, event_id, member_id, visitor_id, channel, placed_at, day, total, currency)
         VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, 'CNY')`,
        [orderId, randomUUID(), member(memberNo), `${suffix}-${visitor}`, paidAt, day, total],
      );
      await dataSource.query(
        `INSERT INTO an_orders_paid (order_id, event_id, member_id, visitor_id, channel, paid_at, day, amount, currency,
                                     method, payment_id)
         VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, 'CNY', 'card', $8)`,
        [
          orderId,
          randomUUID(),
          member(memberNo),
          `${suffix}-${visitor}`,
          paidAt,
          day,
          total,
          `pay-${orderId}`,
        ],
      );
      for (const [i, [sku, quantity, price]] of lines.entries()) {
        await dataSource.query(
          `INSERT INTO an_order_lines (order_id, line_no, sku, quantity, unit_price, line_total)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [orderId, i + 1, sku, quantity, price, quantity * price],
        );
      }
    };
    await order('o0', 1, 'v7', '2026-02-28T03:00:00Z', '2026-02-28', [['SKU-STAR', 1, 15_000]]);
    await order('o1', 1, 'v1', '2026-03-09T02:10:00Z', '2026-03-09', [['SKU-STAR', 10, 1_000]]);
    await order('o2', 2, 'v2', '2026-03-09T02:10:00Z', '2026-03-09', [
      ['SKU-TRAFFIC', 12, 500],
      ['SKU-SLOW', 1, 1_000],
    ]);
    await order('o3', 3, 'v5', '2026-03-10T01:10:00Z', '2026-03-10', [['SKU-PROFIT', 2, 5_000]]);
    await order('o4', 4, 'v11', '2025-11-01T10:00:00Z', '2025-11-01', [['SKU-SLOW', 1, 2_000]]);

    for (const [sku, cost, price, title] of [
      ['SKU-STAR', 400, 1_000, 'Down jacket'],
      ['SKU-TRAFFIC', 450, 500, 'Socks'],
      ['SKU-PROFIT', 1_000, 5_000, 'Cashmere scarf'],
      ['SKU-SLOW', 900, 1_000, 'Umbrella'],
    ] as const) {
      await dataSource.query(`INSERT INTO an_products (product_id, title, category_id) VALUES ($1, $2, $3)`, [
        `p-${sku}`,
        title,
        sku === 'SKU-STAR' ? 'outerwear' : 'accessories',
      ]);
      await dataSource.query(
        `INSERT INTO an_skus (sku, product_id, cost, price, currency) VALUES ($1, $2, $3, $4, 'CNY')`,
        [sku, `p-${sku}`, cost, price],
      );
    }
    for (const [n, tier] of [
      [1, 'GOLD'],
      [2, 'SILVER'],
      [3, 'SILVER'],
      [4, 'SILVER'],
    ] as const) {
      await dataSource.query(
        `INSERT INTO an_members (member_id, registered_at, tier) VALUES ($1, now(), $2)`,
        [member(n), tier],
      );
    }

    await insertWarning('OUT_OF_STOCK', 'SKU-TRAFFIC', 0, 5, null, 40);
    await insertWarning('BELOW_SAFETY_STOCK', 'SKU-STAR', 3, 10, 1.5, 25);

    // Stock as the inventory projection writes it: levels per SKU, batches, shipments.
    for (const [sku, onHand, available] of [
      ['SKU-STAR', 20, 18],
      ['SKU-TRAFFIC', 0, 0],
      ['SKU-PROFIT', 5, 5],
    ] as const) {
      await dataSource.query(
        `INSERT INTO an_stock_items (sku, on_hand, reserved, available) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sku) DO UPDATE SET on_hand = $2, reserved = $3, available = $4`,
        [sku, onHand, onHand - available, available],
      );
    }
    for (const [sku, batch, quantity, receivedAt, expiresAt] of [
      ['SKU-STAR', 'B1', 12, '2026-03-01T00:00:00Z', null],
      ['SKU-STAR', 'B2', 8, '2025-11-20T00:00:00Z', '2026-03-20T00:00:00Z'],
      ['SKU-PROFIT', 'B3', 5, '2025-12-25T00:00:00Z', '2026-03-05T00:00:00Z'],
    ] as const) {
      await dataSource.query(
        `INSERT INTO an_stock_batches (sku, warehouse, batch, quantity, received_at, expires_at)
         VALUES ($1, 'WH-1', $2, $3, $4, $5)`,
        [sku, batch, quantity, receivedAt, expiresAt],
      );
    }
    for (const [sku, units, at] of [
      ['SKU-STAR', 8, '2026-03-01T02:00:00Z'],
      ['SKU-TRAFFIC', 12, '2026-03-09T03:00:00Z'],
    ] as const) {
      await dataSource.query(
        `INSERT INTO an_stock_sales (event_id, sku, warehouse, occurred_at, units) VALUES ($1, $2, 'WH-1', $3, $4)`,
        [randomUUID(), sku, at, units],
      );
    }

    // Experiment exposures (first storefront event with an assignment) and the orders that carried one.
    for (const [visitor, variant, day] of [
      ['v1', 'A', '2026-03-09'],
      ['v2', 'A', '2026-03-09'],
      ['v3', 'A', '2026-03-09'],
      ['v4', 'B', '2026-03-09'],
      ['v5', 'B', '2026-03-10'],
      ['v6', 'B', '2026-03-10'],
    ] as const) {
      await dataSource.query(
        `INSERT INTO an_experiment_visitors (experiment, visitor_id, variant, first_seen_at, first_event_id, day)
         VALUES ('checkout-button', $1, $2, $3::date + time '10:00', $4, $3)`,
        [`${suffix}-${visitor}`, variant, day, randomUUID()],
      );
    }
    for (const [visitor, variant] of [
      ['v1', 'control'],
      ['v2', 'control'],
      ['v3', 'new'],
      ['v4', 'new'],
    ] as const) {
      await dataSource.query(
        `INSERT INTO an_experiment_visitors (experiment, visitor_id, variant, first_seen_at, first_event_id, day)
         VALUES ('hero-banner', $1, $2, '2026-03-09T02:00:00Z', $3, '2026-03-09')`,
        [`${suffix}-${visitor}`, variant, randomUUID()],
      );
    }
    for (const [id, visitor, variant] of [
      ['o1', 'v1', 'A'],
      ['o2', 'v2', 'A'],
      ['o3', 'v5', 'B'],
    ] as const) {
      await dataSource.query(
        `INSERT INTO an_experiment_orders (order_id, experiment, variant, visitor_id)
         VALUES ($1, 'checkout-button', $2, $3)`,
        [`${suffix}-${id}`, variant, `${suffix}-${visitor}`],
      );
    }

    // Co-purchase counts as the projector keeps them (pairs with sku_a < sku_b).
    await dataSource.query(`INSERT INTO an_copurchase_totals (id, orders) VALUES (1, 10)`);
    for (const [sku, orders] of [
      ['SKU-STAR', 6],
      ['SKU-TRAFFIC', 5],
      ['SKU-SLOW', 4],
      ['SKU-PROFIT', 2],
    ] as const)
      await dataSource.query(`INSERT INTO an_copurchase_skus (sku, orders) VALUES ($1, $2)`, [sku, orders]);
    for (const [a, b, orders] of [
      ['SKU-SLOW', 'SKU-TRAFFIC', 4],
      ['SKU-STAR', 'SKU-TRAFFIC', 3],
      ['SKU-PROFIT', 'SKU-STAR', 1],
    ] as const)
      await dataSource.query(`INSERT INTO an_copurchase_pairs (sku_a, sku_b, orders) VALUES ($1, $2, $3)`, [
        a,
        b,
        orders,
      ]);

    await insertAlert({
      id: 'HOURLY:GMV:2026-03-10T09',
      type: 'HOURLY',
      metric: 'GMV',
      direction: 'DROP',
      expected: 20_000,
      actual: 8_000,
      deviation: -0.6,
      from: '2026-03-10T01:00:00Z',
      to: '2026-03-10T02:00:00Z',
    });
    await insertAlert({
      id: 'REFUND_RATE:REFUND_RATE:SKU-SLOW:2026-03-09',
      type: 'REFUND_RATE',
      metric: 'REFUND_RATE',
      sku: 'SKU-SLOW',
      direction: 'SPIKE',
      expected: 0.2,
      actual: 0.5,
      deviation: 1.5,
      from: '2026-02-07T16:00:00Z',
      to: '2026-03-09T16:00:00Z',
    });
    await insertAlert({
      id: 'HOURLY:CONVERSION:2026-03-09T10',
      type: 'HOURLY',
      metric: 'CONVERSION',
      direction: 'DROP',
      expected: 0.5,
      actual: 0.1,
      deviation: -0.8,
      from: '2026-03-09T02:00:00Z',
      to: '2026-03-09T03:00:00Z',
      cleared: true,
    });
  }

  /** An anomaly alert as the projector's evaluation writes it; a cleared one with its clearing hour. */
  async function insertAlert(a: {
    id: string;
    type: string;
    metric: string;
    sku?: string;
    direction: string;
    expected: number;
    actual: number;
    deviation: number;
    from: string;
    to: string;
    cleared?: boolean;
  }): Promise<void> {
    await dataSource.query(
      `INSERT INTO an_anomaly_alerts (id, type, metric, sku, direction, expected, actual, deviation, window_from,
                                      window_to, open, cleared_expected, cleared_actual, cleared_deviation,
                                      cleared_window_from, cleared_window_to)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        ...[
          a.id,
          a.type,
          a.metric,
          a.sku ?? null,
          a.direction,
          a.expected,
          a.actual,
          a.deviation,
          a.from,
          a.to,
        ],
        !a.cleared,
        // A cleared alert: the next hour was back at the expected value.
        ...(a.cleared
          ? [a.expected, a.expected, 0, a.to, new Date(Date.parse(a.to) + 3_600_000).toISOString()]
          : [null, null, null, null, null]),
      ],
    );
  }
});
