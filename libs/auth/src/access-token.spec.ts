import { AccessTokenSigner, AccessTokenVerifier, InvalidTokenError } from './access-token';
import { generateSigningKeyPair } from './jwt-keys';

describe('AccessTokenVerifier', () => {
  const keys = generateSigningKeyPair('spec');
  const signer = new AccessTokenSigner(keys.privateKeyPem, 'spec');
  const other = new AccessTokenSigner(generateSigningKeyPair('other').privateKeyPem, 'spec');

  it('accepts a token of its key and answers a repeated one without checking the signature again', async () => {
    const verifier = new AccessTokenVerifier(keys.publicKeyPem);
    const token = await signer.sign({ id: 'm-1', roles: ['customer'] });
    const check = jest.spyOn(
      verifier as unknown as { verifySignature(t: string): unknown },
      'verifySignature',
    );
    await expect(verifier.verify(token)).resolves.toEqual({ id: 'm-1', roles: ['customer'] });
    await expect(verifier.verify(token)).resolves.toEqual({ id: 'm-1', roles: ['customer'] });
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('refuses a token signed by another key, and a remembered token with one byte changed', async () => {
    const verifier = new AccessTokenVerifier(keys.publicKeyPem);
    await expect(verifier.verify(await other.sign({ id: 'm-2', roles: ['admin'] }))).rejects.toThrow(
      InvalidTokenError,
    );
    const token = await signer.sign({ id: 'm-2', roles: ['customer'] });
    await verifier.verify(token);
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(payload, 'base64url').toString().replace('customer', 'admin');
    const tampered = `${header}.${Buffer.from(forged).toString('base64url')}.${signature}`;
    await expect(verifier.verify(tampered)).rejects.toThrow('token invalid');
  });

  it('stops accepting a remembered token once it expires', async () => {
    let now = Date.now();
    const verifier = new AccessTokenVerifier(keys.publicKeyPem, () => now);
    const token = await signer.sign({ id: 'm-3', roles: ['customer'] }, 60);
    await expect(verifier.verify(token)).resolves.toMatchObject({ id: 'm-3' });
    now += 70_000;
    // Past its expiry (and the 5 s clock tolerance) the cache lets go and the full check refuses it.
    jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate'] });
    try {
      await expect(verifier.verify(token)).rejects.toThrow('token expired');
    } finally {
      jest.useRealTimers();
    }
  });
});
