import { TestService } from '@ecom/testing';
import { GOOD_PASSWORD, startMembersService, uniqueEmail } from '../../test/members-test-service';

describe('POST /v1/members: registrations per client address', () => {
  let members: TestService;

  beforeAll(async () => {
    members = await startMembersService({
      env: { REGISTRATION_MAX_PER_ADDRESS: '3', REGISTRATION_WINDOW_SECONDS: '3600' },
    });
  });
  afterAll(async () => {
    await members?.close();
  });

  const register = (ip: string, label = 'reg', token?: string) =>
    members.http('/v1/members', {
      body: { email: uniqueEmail(label), password: GOOD_PASSWORD, displayName: label },
      headers: { 'x-forwarded-for': ip },
      token,
    });

  it('answers 429 with Retry-After past the limit of the window, for that address only', async () => {
    for (let i = 0; i < 3; i++) expect((await register('198.51.100.40')).status).toBe(201);
    const refused = await register('198.51.100.40');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringContaining('too many registrations from this address'),
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect((await register('198.51.100.41')).status).toBe(201);
  });

  it('does not limit an operator registering members for the shop (back office, imports)', async () => {
    const operator = await members.tokens.bearer('01900000-0000-7000-8000-0000000000a1', 'operator');
    for (let i = 0; i < 5; i++)
      expect((await register('198.51.100.42', 'office', operator)).status).toBe(201);
    // The same address without the operator's token is limited as before.
    for (let i = 0; i < 3; i++) expect((await register('198.51.100.42')).status).toBe(201);
    expect((await register('198.51.100.42')).status).toBe(429);
  });
});
