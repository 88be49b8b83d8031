import { SERVICES } from '@ecom/platform';
import { startTestService, TestService } from '@ecom/testing';
import { AppModule } from '../app.module';

/** The frozen analytics clock of the query specs: 2026-03-10 12:00 Asia/Shanghai. */
export const NOW = '2026-03-10T04:00:00.000Z';

/** An instant given as Asia/Shanghai wall time 'YYYY-MM-DD HH:mm', as an ISO string in UTC. */
export const cst = (wall: string) => new Date(`${wall.replace(' ', 'T')}:00+08:00`).toISOString();

/** The analytics API in this process at the frozen clock in Asia/Shanghai, the RFM schedule off; `env` last. */
export function startQueryApi(env: Record<string, string> = {}): Promise<TestService> {
  return startTestService(AppModule, SERVICES.analytics, {
    env: { ANALYTICS_FIXED_NOW: NOW, ANALYTICS_TZ: 'Asia/Shanghai', RFM_RECOMPUTE_INTERVAL_MS: '0', ...env },
  });
}

type Get = (path: string) => Promise<{ status: number; body: { message?: unknown } }>;

/** An it.each body: the path, asked by an operator, is a 400 whose message names the field. */
export const refusedNaming = (get: Get) => async (path: string, field: string) => {
  const res = await get(path);
  expect([path, res.status]).toEqual([path, 400]);
  expect(JSON.stringify(res.body.message)).toContain(field);
};

/** An it.each body: the path is 401 without a token and 403 for a customer (operator only). */
export const operatorOnly = (service: () => TestService) => async (path: string) => {
  expect([path, (await service().http(path)).status]).toEqual([path, 401]);
  const customer = await service().tokens.bearer('c-1', 'customer');
  const res = await service().http(path, { token: customer });
  expect([path, res.status]).toEqual([path, 403]);
  expect(res.body).toMatchObject({ statusCode: 403, message: 'requires role operator' });
};
