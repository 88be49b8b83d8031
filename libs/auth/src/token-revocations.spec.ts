import { AccessTokenSigner, AccessTokenVerifier } from './access-token';
import { generateSigningKeyPair } from './jwt-keys';
import {
  RevocationCheckUnavailableError,
  RevocationRedis,
  TokenRevocations,
  TokenRevokedError,
} from './token-revocations';

/** An in-memory stand-in for the two Redis commands, counting reads; `down` makes them fail. */
function fakeRedis() {
  const values = new Map<string, number>();
  const state = { gets: 0, down: false };
  const redis = {
    get: jest.fn(async (key: string) => {
      state.gets++;
      await new Promise((resolve) => setImmediate(resolve));
      if (state.down) throw new Error('connect ECONNREFUSED');
      return values.has(key) ? String(values.get(key)) : null;
    }),
    incr: jest.fn(async (key: string) => {
      if (state.down) throw new Error('connect ECONNREFUSED');
      values.set(key, (values.get(key) ?? 0) + 1);
      return values.get(key)!;
    }),
  };
  return { redis: redis as unknown as RevocationRedis, values, state };
}

describe('TokenRevocations', () => {
  it('refuses tokens older than the member version; one GET per member per cache period, shared by concurrent checks', async () => {
    const { redis, values, state } = fakeRedis();
    let now = 1_000_000;
    const revocations = new TokenRevocations(redis, 1000, () => now);
    await Promise.all(Array.from({ length: 10 }, () => revocations.assertCurrent('m-1', 0)));
    expect(state.gets).toBe(1);
    // Another process revokes: this one notices once its remembered version is older than 1 s.
    values.set(TokenRevocations.key('m-1'), 1);
    now += 500;
    await expect(revocations.assertCurrent('m-1', 0)).resolves.toBeUndefined();
    now += 600;
    await expect(revocations.assertCurrent('m-1', 0)).rejects.toThrow(TokenRevokedError);
    await expect(revocations.assertCurrent('m-1', 1)).resolves.toBeUndefined();
    expect(state.gets).toBe(2);
  });

  it('a revocation in this process takes effect at once, whatever was remembered', async () => {
    const { redis } = fakeRedis();
    const revocations = new TokenRevocations(redis, 60_000);
    await revocations.assertCurrent('m-2', 0);
    expect(await revocations.revokeAll('m-2')).toBe(1);
    await expect(revocations.assertCurrent('m-2', 0)).rejects.toThrow('token revoked');
    expect(await revocations.currentVersion('m-2')).toBe(1);
  });

  it('fails closed when Redis cannot be read and the remembered version is stale', async () => {
    const { redis, state } = fakeRedis();
    let now = 5_000_000;
    const revocations = new TokenRevocations(redis, 1000, () => now);
    await revocations.assertCurrent('m-3', 0);
    state.down = true;
    await expect(revocations.assertCurrent('m-3', 0)).resolves.toBeUndefined();
    now += 1001;
    await expect(revocations.assertCurrent('m-3', 0)).rejects.toThrow(RevocationCheckUnavailableError);
    await expect(revocations.assertCurrent('m-4', 0)).rejects.toThrow(RevocationCheckUnavailableError);
    await expect(revocations.revokeAll('m-3')).rejects.toThrow(RevocationCheckUnavailableError);
  });

  it('revocation wins over the verifier cache: a remembered token still reports its version', async () => {
    const keys = generateSigningKeyPair('spec');
    const signer = new AccessTokenSigner(keys.privateKeyPem, 'spec');
    const verifier = new AccessTokenVerifier(keys.publicKeyPem);
    const { redis } = fakeRedis();
    const revocations = new TokenRevocations(redis, 1000);
    const token = await signer.sign({ id: 'm-5', roles: ['operator'] }, 600, 0);
    const first = await verifier.verifyToken(token);
    await revocations.assertCurrent(first.member.id, first.tokenVersion);
    await revocations.revokeAll('m-5');
    const again = await verifier.verifyToken(token);
    expect(again.tokenVersion).toBe(0);
    await expect(revocations.assertCurrent(again.member.id, again.tokenVersion)).rejects.toThrow(
      TokenRevokedError,
    );
    const renewed = await verifier.verifyToken(await signer.sign({ id: 'm-5', roles: ['customer'] }, 600, 1));
    await expect(revocations.assertCurrent('m-5', renewed.tokenVersion)).resolves.toBeUndefined();
    // Tokens without the claim (issued before versions existed) are version 0.
    expect(
      (await verifier.verifyToken(await signer.sign({ id: 'm-6', roles: ['customer'] }))).tokenVersion,
    ).toBe(0);
  });
});
