import { TestService } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { cst, operatorOnly, refusedNaming, startQueryApi } from '../test/query-api';

/**
 * GET /v1/analytics/anomalies over the HTTP API: alert rows as the projector writes them; open or all,
 * the day range on the raising hour; operator only; every bad parameter a 400 naming it. (The alerts
 * from events, on the topic, reordered and rebuilt: the projector's anomalies int-spec.)
 */
describe('anomalies API (analytics)', () => {
  let service: TestService;
  let operator: string;

  beforeAll(async () => {
    service = await startQueryApi();
    operator = await service.tokens.bearer('op-1', 'operator');
    const row = (id: string, metric: string, hour: string, open: boolean) => [
      id,
      metric,
      cst(hour),
      new Date(Date.parse(cst(hour)) + 3_600_000).toISOString(),
      open,
    ];
    // Open: a conversion drop raised 03-10 10:00 and a GMV spike raised 02-20 09:00 (outside 7 days).
    // Cleared: a payment success drop raised 03-09 23:00, cleared by 03-10 00:00.
    for (const [id, metric, from, to, open] of [
      row('HOURLY:CONVERSION:2026-03-10T10', 'CONVERSION', '2026-03-10 10:00', true),
      row('HOURLY:GMV:2026-02-20T09', 'GMV', '2026-02-20 09:00', true),
      row('HOURLY:PAYMENT_SUCCESS:2026-03-09T23', 'PAYMENT_SUCCESS', '2026-03-09 23:00', false),
    ]) {
      await service.app.get(DataSource).query(
        `INSERT INTO an_anomaly_alerts (id, type, metric, sku, direction, expected, actual, deviation,
           window_from, window_to, open, cleared_expected, cleared_actual, cleared_deviation,
           cleared_window_from, cleared_window_to)
         VALUES ($1, 'HOURLY', $2, NULL, 'DROP', 0.5, 0.2, -0.6, $3, $4, $5,
           CASE WHEN $5 THEN NULL ELSE 0.5 END, CASE WHEN $5 THEN NULL ELSE 0.45 END,
           CASE WHEN $5 THEN NULL ELSE -0.1 END,
           CASE WHEN $5 THEN NULL ELSE $4::timestamptz END,
           CASE WHEN $5 THEN NULL ELSE $4::timestamptz + interval '1 hour' END)`,
        [id, metric, from, to, open],
      );
    }
  });

  afterAll(() => service?.close());

  const get = (path: string, token: string | undefined = operator) => service.http(path, { token });
  const ids = (body: { alerts: { id: string }[] }) => body.alerts.map((a) => a.id);

  it('lists every open alert by default, newest raising hour first', async () => {
    const res = await get('/v1/analytics/anomalies');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'open', from: null, to: null });
    expect(ids(res.body)).toEqual(['HOURLY:CONVERSION:2026-03-10T10', 'HOURLY:GMV:2026-02-20T09']);
    expect(res.body.alerts[0]).toEqual({
      id: 'HOURLY:CONVERSION:2026-03-10T10',
      type: 'HOURLY',
      metric: 'CONVERSION',
      sku: null,
      direction: 'DROP',
      expected: 0.5,
      actual: 0.2,
      deviation: -0.6,
      window: { from: cst('2026-03-10 10:00'), to: cst('2026-03-10 11:00') },
      state: 'OPEN',
      clearedExpected: null,
      clearedActual: null,
      clearedDeviation: null,
      clearedFrom: null,
      clearedTo: null,
    });
  });

  it('lists raised and cleared alerts of the 7 days ending today with state=all, or of the days asked', async () => {
    const week = await get('/v1/analytics/anomalies?state=all');
    expect(week.body).toMatchObject({ state: 'all', from: '2026-03-04', to: '2026-03-10' });
    expect(ids(week.body)).toEqual([
      'HOURLY:CONVERSION:2026-03-10T10',
      'HOURLY:PAYMENT_SUCCESS:2026-03-09T23',
    ]);
    expect(week.body.alerts[1]).toMatchObject({
      state: 'CLEARED',
      clearedExpected: 0.5,
      clearedActual: 0.45,
      clearedDeviation: -0.1,
      clearedFrom: cst('2026-03-10 00:00'),
      clearedTo: cst('2026-03-10 01:00'),
    });
    // 03-09 23:00 is on 03-09 in Shanghai (15:00 UTC): in a range of that one day, and not of 03-10.
    const day = await get('/v1/analytics/anomalies?state=all&from=2026-03-09&to=2026-03-09');
    expect(ids(day.body)).toEqual(['HOURLY:PAYMENT_SUCCESS:2026-03-09T23']);
    const open = await get('/v1/analytics/anomalies?from=2026-02-01&to=2026-02-28');
    expect(ids(open.body)).toEqual(['HOURLY:GMV:2026-02-20T09']);
  });

  it.each([
    ['/v1/analytics/anomalies?state=closed', 'state'],
    ['/v1/analytics/anomalies?from=2026-3-1', 'from'],
    ['/v1/analytics/anomalies?state=all&to=yesterday', 'to'],
    ['/v1/analytics/anomalies?state=all&from=2026-03-10&to=2026-03-01', 'from must not be after to'],
    ['/v1/analytics/anomalies?state=all&from=2024-01-01&to=2026-03-01', '366 days'],
    ['/v1/analytics/anomalies?metric=GMV', 'metric'],
  ])('refuses %s with 400 naming %s', refusedNaming(get));

  it.each(['/v1/analytics/anomalies'])(
    '%s is 401 without a token and 403 for a customer',
    operatorOnly(() => service),
  );
});
