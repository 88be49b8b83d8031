import { DEFAULT_SCRYPT_PARAMS, PasswordHasher } from './password-hasher';

describe('PasswordHasher (scrypt)', () => {
  const hasher = new PasswordHasher({ logN: 12, r: 8, p: 1 });

  it('stores the algorithm, its parameters, a salt and the key, never the password', async () => {
    const hash = await hasher.hash('correct horse battery');
    expect(hash).toMatch(/^\$scrypt\$ln=12,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(hash).not.toContain('correct');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hasher.hash('correct horse battery');
    await expect(hasher.verify('correct horse battery', hash)).resolves.toBe(true);
    await expect(hasher.verify('correct horse batterY', hash)).resolves.toBe(false);
    await expect(hasher.verify('', hash)).resolves.toBe(false);
  });

  it('salts every hash, so one password gives different hashes that both verify', async () => {
    const [a, b] = await Promise.all([hasher.hash('same password 1'), hasher.hash('same password 1')]);
    expect(a).not.toEqual(b);
    await expect(hasher.verify('same password 1', a)).resolves.toBe(true);
    await expect(hasher.verify('same password 1', b)).resolves.toBe(true);
  });

  it('verifies with the parameters stored in the hash, and says when they are not the current ones', async () => {
    const old = await new PasswordHasher({ logN: 11, r: 8, p: 1 }).hash('older params 123');
    await expect(hasher.verify('older params 123', old)).resolves.toBe(true);
    expect(hasher.needsRehash(old)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('current params 1'))).toBe(false);
  });

  it('treats Unicode compositions of one password as the same password (NFC)', async () => {
    const hash = await hasher.hash('caf\u00e9 au lait 42');
    await expect(hasher.verify('cafe\u0301 au lait 42', hash)).resolves.toBe(true);
  });

  it('refuses malformed hashes and parameters beyond the limits instead of trying them', async () => {
    const good = await hasher.hash('some password 9');
    for (const bad of [
      '',
      'plain',
      good.replace('ln=12', 'ln=40'),
      good.replace('r=8', 'r=0'),
      good.replace('$scrypt$', '$bcrypt$'),
    ]) {
      await expect(hasher.verify('some password 9', bad)).resolves.toBe(false);
    }
  });

  it('fails a check against the dummy hash for unknown emails', async () => {
    await expect(hasher.verifyAgainstDummy('anything at all 1')).resolves.toBe(false);
  });

  it('is memory-hard by default (N = 2^15, r = 8: 32 MiB per hash)', async () => {
    expect(128 * 2 ** DEFAULT_SCRYPT_PARAMS.logN * DEFAULT_SCRYPT_PARAMS.r).toBe(32 * 1024 * 1024);
    const hash = await new PasswordHasher().hash('default cost 123');
    await expect(new PasswordHasher().verify('default cost 123', hash)).resolves.toBe(true);
  });
});
