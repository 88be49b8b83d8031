import { fuzzService, TestService } from '@ecom/testing';
import { startMembersService } from './test/members-test-service';

describe('members REST API under hostile input (fuzz, from its OpenAPI document)', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startMembersService();
  });

  afterAll(async () => {
    await service?.close();
  });

  it('answers every operation without a 5xx, within 200 ms, and a refused write changes nothing', async () => {
    expect(await fuzzService(service)).toEqual([]);
  });
});
