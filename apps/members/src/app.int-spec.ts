import { expectServiceBasics, TestService } from '@ecom/testing';
import { startMembersService } from './test/members-test-service';

describe('members app', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startMembersService();
  });
  afterAll(() => service?.close());

  it('is live and ready, serves metrics and documents the members routes', async () => {
    const docs = await expectServiceBasics(service, 'members');
    expect(Object.keys(docs.paths)).toEqual(
      expect.arrayContaining([
        '/v1/members',
        '/v1/members/me',
        '/v1/members/{id}',
        '/v1/members/{id}/roles',
        '/v1/auth/login',
        '/v1/auth/jwks',
        '/v1/auth/public-key',
      ]),
    );
  });
});
