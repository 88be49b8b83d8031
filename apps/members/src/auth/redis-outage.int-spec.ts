import { TestService } from '@ecom/testing';
import { GOOD_PASSWORD, startMembersService, uniqueEmail } from '../test/members-test-service';

/** Members pointed at a Redis that does not answer: every Redis-backed decision fails closed, as 503. */
describe('members with Redis unreachable', () => {
  let members: TestService;

  beforeAll(async () => {
    // Port 1 on the loopback: connections are refused at once.
    members = await startMembersService({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
  });
  afterAll(async () => {
    await members?.close();
  });

  function expectUnavailable(response: { status: number; body: unknown; headers: Headers }) {
    expect({ status: response.status, body: response.body }).toEqual({
      status: 503,
      body: {
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.stringContaining('unavailable'),
      },
    });
    expect(response.headers.get('retry-after')).toBe('1');
  }

  it('login answers 503 with Retry-After, not 500', async () => {
    expectUnavailable(
      await members.http('/v1/auth/login', { body: { email: uniqueEmail('down'), password: GOOD_PASSWORD } }),
    );
  });

  it('registration answers 503 with Retry-After, not 500', async () => {
    expectUnavailable(
      await members.http('/v1/members', {
        body: { email: uniqueEmail('down'), password: GOOD_PASSWORD, displayName: 'Down' },
      }),
    );
  });

  it('a token cannot be checked for revocation: 503 with Retry-After, never accepted', async () => {
    const token = await members.tokens.bearer('member-during-outage', 'customer');
    expectUnavailable(await members.http('/v1/members/me', { token }));
    expectUnavailable(await members.http('/v1/auth/logout', { method: 'POST', token }));
    // A public route is served as to an anonymous caller instead.
    expect((await members.http('/v1/auth/jwks', { token })).status).toBe(200);
  });
});
