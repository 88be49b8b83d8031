import { AccessTokenVerifier, CurrentMember, AuthenticatedMember, RequireRole, TestTokens } from '@ecom/auth';
import { PlatformModule, SERVICES } from '@ecom/platform';
import { startTestService, TestService } from '@ecom/testing';
import { Controller, Get, Module } from '@nestjs/common';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { PasswordHasher } from '../member/credentials/password-hasher';
import { GOOD_PASSWORD, startMembersService, uniqueEmail } from '../test/members-test-service';

/** Another service: the catalog's platform shell (its guard, its config) with one authenticated route. */
@Controller('probe')
class ProbeController {
  @Get('whoami')
  whoami(@CurrentMember() member: AuthenticatedMember) {
    return member;
  }

  @Get('back-office')
  @RequireRole('operator')
  backOffice(@CurrentMember() member: AuthenticatedMember) {
    return member;
  }
}

@Module({ imports: [PlatformModule.forService(SERVICES.catalog)], controllers: [ProbeController] })
class CatalogShellWithProbe {}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('authentication: login, throttling, tokens accepted elsewhere with the public key only', () => {
  let members: TestService;
  let catalog: TestService;
  let publicKeyPem: string;

  async function registered(label: string): Promise<{ id: string; email: string }> {
    const email = uniqueEmail(label);
    const response = await members.http('/v1/members', {
      body: { email, password: GOOD_PASSWORD, displayName: label },
    });
    expect(response.status).toBe(201);
    return { id: response.body.id, email };
  }
  const login = (email: string, password: string, ip = '198.51.100.1') =>
    members.http('/v1/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });

  beforeAll(async () => {
    members = await startMembersService();
    const pem = await members.http('/v1/auth/public-key');
    expect(pem.status).toBe(200);
    expect(pem.headers.get('content-type')).toContain('application/x-pem-file');
    publicKeyPem = pem.body;
    // The other service gets the public key and nothing else.
    delete process.env.JWT_PRIVATE_KEY;
    catalog = await startTestService(CatalogShellWithProbe, SERVICES.catalog, {
      topicPrefix: members.topicPrefix,
      env: { JWT_PUBLIC_KEY: publicKeyPem },
    });
  });
  afterAll(async () => {
    await catalog?.close();
    await members?.close();
  });

  describe('POST /v1/auth/login', () => {
    it('issues an ES256 token for the member with their roles', async () => {
      const jane = await registered('login');
      const response = await login(jane.email, GOOD_PASSWORD);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.body).toEqual({
        accessToken: expect.any(String),
        expiresIn: 900,
        member: { id: jane.id, roles: ['customer'] },
      });
      const header = decodeProtectedHeader(response.body.accessToken);
      expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
      // Email case does not matter.
      expect((await login(jane.email.toUpperCase(), GOOD_PASSWORD)).status).toBe(200);
    });

    it('answers a wrong password and an unknown email with the same 401', async () => {
      const jane = await registered('badpass');
      const wrong = await login(jane.email, 'not the password 1', '198.51.100.2');
      const unknown = await login(uniqueEmail('nobody'), 'not the password 1', '198.51.100.2');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'invalid email or password',
      });
      expect(unknown.body).toEqual(wrong.body);
    });

    it('refuses unknown fields and missing ones with 400', async () => {
      expect(
        (
          await members.http('/v1/auth/login', {
            body: { email: 'a@example.com', password: 'x', remember: true },
          })
        ).status,
      ).toBe(400);
      expect((await members.http('/v1/auth/login', { body: { email: 'a@example.com' } })).status).toBe(400);
    });

    it('lets nobody lock the owner out: failures from other addresses never delay the owner, one address is delayed progressively', async () => {
      const kim = await registered('throttled');
      const home = '203.0.113.200';
      // Wrong passwords from rotating addresses (more than the old 5-failure account lock).
      for (let i = 0; i < 8; i++)
        expect((await login(kim.email, `wrong password ${i}`, `203.0.113.${i}`)).status).toBe(401);
      expect((await login(kim.email, GOOD_PASSWORD, home)).status).toBe(200);

      // One address: 5 failures are free, then it must wait 1 s, then 2 s, ...
      const attacker = '203.0.113.77';
      for (let i = 0; i < 5; i++)
        expect((await login(kim.email, `wrong password ${i}`, attacker)).status).toBe(401);
      const blocked = await login(kim.email, GOOD_PASSWORD, attacker);
      expect(blocked.status).toBe(429);
      expect(blocked.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      expect(blocked.headers.get('retry-after')).toBe('1');
      // The owner, at their own address, is not delayed.
      const owner = await login(kim.email, GOOD_PASSWORD, home);
      expect(owner.status).toBe(200);
      expect(owner.headers.get('cache-control')).toBe('no-store');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await login(kim.email, 'wrong password 6', attacker)).status).toBe(401);
      const longer = await login(kim.email, GOOD_PASSWORD, attacker);
      expect(longer.status).toBe(429);
      expect(longer.headers.get('retry-after')).toBe('2');
      expect((await login(kim.email, GOOD_PASSWORD, home)).status).toBe(200);

      // Unknown emails are delayed the same way, so a 429 does not tell that an email exists.
      const ghost = uniqueEmail('ghost');
      for (let i = 0; i < 5; i++)
        expect((await login(ghost, `wrong password ${i}`, '203.0.114.1')).status).toBe(401);
      expect((await login(ghost, 'wrong password x', '203.0.114.1')).status).toBe(429);
    });

    it('bounds one account guessed from many addresses: after 50 failures only addresses it logged in from may try', async () => {
      const ann = await registered('distributed');
      const home = '198.18.0.250';
      expect((await login(ann.email, GOOD_PASSWORD, home)).status).toBe(200);
      // One wrong password from each of 50 addresses: none is delayed on its own.
      for (let i = 0; i < 50; i++)
        expect((await login(ann.email, `guess ${i} password`, `198.18.1.${i}`)).status).toBe(401);
      // The 51st guess, from a fresh address, is refused before the password is checked.
      const guess = await login(ann.email, GOOD_PASSWORD, '198.18.2.1');
      expect(guess.status).toBe(429);
      expect(Number(guess.headers.get('retry-after'))).toBeGreaterThan(800);
      // The owner, from an address they logged in from, is not.
      expect((await login(ann.email, GOOD_PASSWORD, home)).status).toBe(200);
      // Another account is not affected by this one's limit.
      const other = await registered('distributed-other');
      expect((await login(other.email, GOOD_PASSWORD, '198.18.2.1')).status).toBe(200);
    });

    it('counts failures, not successes: a successful login clears the account counter', async () => {
      const lee = await registered('reset');
      for (let i = 0; i < 4; i++)
        expect((await login(lee.email, `wrong ${i} password`, '192.0.2.10')).status).toBe(401);
      expect((await login(lee.email, GOOD_PASSWORD, '192.0.2.10')).status).toBe(200);
      for (let i = 0; i < 4; i++)
        expect((await login(lee.email, `wrong ${i} password`, '192.0.2.10')).status).toBe(401);
      expect((await login(lee.email, GOOD_PASSWORD, '192.0.2.10')).status).toBe(200);
    });

    it('throttles an IP after 20 failures across accounts, and only that IP', async () => {
      const max = await registered('ip-victim');
      for (let i = 0; i < 20; i++)
        expect((await login(uniqueEmail(`spray${i}`), 'sprayed password 1', '192.0.2.66')).status).toBe(401);
      const blocked = await login(max.email, GOOD_PASSWORD, '192.0.2.66');
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await login(max.email, GOOD_PASSWORD, '192.0.2.67')).status).toBe(200);
      const metrics = (await members.http('/metrics')).body as string;
      expect(Number(/members_logins_total\{outcome="throttled"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(
        0,
      );
    });

    it('upgrades a hash made with older scrypt parameters on the next successful login', async () => {
      const old = await registered('rehash');
      const dataSource = members.app.get(DataSource);
      const weaker = await new PasswordHasher({ logN: 12, r: 8, p: 1 }).hash(GOOD_PASSWORD);
      await dataSource.query(`UPDATE member_accounts SET password_hash = $2 WHERE member_id = $1`, [
        old.id,
        weaker,
      ]);
      expect((await login(old.email, GOOD_PASSWORD, '192.0.2.20')).status).toBe(200);
      const [{ password_hash }] = await dataSource.query(
        `SELECT password_hash FROM member_accounts WHERE member_id = $1`,
        [old.id],
      );
      expect(password_hash).toMatch(/^\$scrypt\$ln=13,r=8,p=1\$/);
      expect((await login(old.email, GOOD_PASSWORD, '192.0.2.20')).status).toBe(200);
    });
  });

  describe('public key', () => {
    it('publishes the public key as JWKS (no private part) whose kid the tokens carry', async () => {
      const jwks = await members.http('/v1/auth/jwks');
      expect(jwks.status).toBe(200);
      expect(jwks.body.keys).toHaveLength(1);
      const [key] = jwks.body.keys;
      expect(key).toEqual({
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        kid: expect.any(String),
        alg: 'ES256',
        use: 'sig',
      });
      const jane = await registered('jwks');
      const { accessToken } = (await login(jane.email, GOOD_PASSWORD)).body;
      expect(decodeProtectedHeader(accessToken).kid).toBe(key.kid);
      const { payload } = await jwtVerify(accessToken, createLocalJWKSet(jwks.body), {
        issuer: 'ecom-members',
        audience: 'ecom',
      });
      expect(payload).toMatchObject({ sub: jane.id, roles: ['customer'] });
    });

    it('verifies members tokens with AccessTokenVerifier given only the PEM from /v1/auth/public-key', async () => {
      const jane = await registered('pem');
      const { accessToken } = (await login(jane.email, GOOD_PASSWORD)).body;
      await expect(new AccessTokenVerifier(publicKeyPem).verify(accessToken)).resolves.toEqual({
        id: jane.id,
        roles: ['customer'],
      });
    });
  });

  describe('another service (catalog shell) with JWT_PUBLIC_KEY only', () => {
    it('accepts a members token and applies its roles', async () => {
      const jane = await registered('cross');
      const { accessToken } = (await login(jane.email, GOOD_PASSWORD)).body;
      const whoami = await catalog.http('/v1/probe/whoami', { token: accessToken });
      expect(whoami.status).toBe(200);
      expect(whoami.body).toEqual({ id: jane.id, roles: ['customer'] });
      expect((await catalog.http('/v1/probe/back-office', { token: accessToken })).status).toBe(403);
      expect((await catalog.http('/v1/probe/whoami')).status).toBe(401);
    });

    it('rejects a token signed with another key, an expired one, HS256 with the public key as secret, alg none and a tampered one', async () => {
      const jane = await registered('forged');
      const { accessToken } = (await login(jane.email, GOOD_PASSWORD)).body;
      const claims = {
        sub: jane.id,
        roles: ['admin'],
        iss: 'ecom-members',
        aud: 'ecom',
        iat: Math.floor(Date.now() / 1000),
        exp: Math.floor(Date.now() / 1000) + 600,
      };

      const otherKey = await new TestTokens().mint({ id: jane.id, roles: ['admin'] });
      // Same key as members, but expired a minute ago (beyond the 5 s clock tolerance).
      const expired = await members.tokens.mint({ id: jane.id, roles: ['customer'] }, -60);
      const hs256 = await new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(jane.id)
        .setIssuer('ecom-members')
        .setAudience('ecom')
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(publicKeyPem));
      const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
      const [header, , signature] = accessToken.split('.');
      const tampered = `${header}.${b64url(claims)}.${signature}`;

      for (const [name, token] of Object.entries({ otherKey, expired, hs256, none, tampered })) {
        const elsewhere = await catalog.http('/v1/probe/whoami', { token });
        const atMembers = await members.http('/v1/members/me', { token });
        expect({ name, catalog: elsewhere.status, members: atMembers.status }).toEqual({
          name,
          catalog: 401,
          members: 401,
        });
      }
      expect((await catalog.http('/v1/probe/whoami', { token: expired })).body.message).toBe('token expired');
      // The genuine token still passes, so the 401s above are about the forgeries.
      expect((await catalog.http('/v1/probe/whoami', { token: accessToken })).status).toBe(200);
    });

    /** Polls until `check` holds, for at most `ms` (revocations reach other services within ~1 s). */
    async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
      const start = Date.now();
      while (!(await check())) {
        if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return Date.now() - start;
    }

    it('revokes the tokens of a demoted operator: refused at members at once, by another service within 2 s', async () => {
      const op = await registered('demoted');
      const admin = await members.tokens.bearer('admin-of-test', 'admin');
      const setRoles = (roles: string[]) =>
        members.http(`/v1/members/${op.id}/roles`, { method: 'PUT', body: { roles }, token: admin });
      expect((await setRoles(['customer', 'operator'])).status).toBe(200);
      const { accessToken } = (await login(op.email, GOOD_PASSWORD, '192.0.2.30')).body;
      // Both services have verified (and remembered) the token before the demotion.
      expect((await catalog.http('/v1/probe/back-office', { token: accessToken })).status).toBe(200);
      expect((await members.http('/v1/members/me', { token: accessToken })).status).toBe(200);

      expect((await setRoles(['customer'])).status).toBe(200);
      const atMembers = await members.http('/v1/members/me', { token: accessToken });
      expect(atMembers.status).toBe(401);
      expect(atMembers.body.message).toBe('token revoked');
      await within(
        2000,
        async () => (await catalog.http('/v1/probe/back-office', { token: accessToken })).status === 401,
      );
      expect((await catalog.http('/v1/probe/whoami', { token: accessToken })).body.message).toBe(
        'token revoked',
      );

      // The next login carries the new roles and works everywhere.
      const renewed = (await login(op.email, GOOD_PASSWORD, '192.0.2.30')).body;
      expect(renewed.member.roles).toEqual(['customer']);
      expect((await catalog.http('/v1/probe/whoami', { token: renewed.accessToken })).status).toBe(200);
      expect((await catalog.http('/v1/probe/back-office', { token: renewed.accessToken })).status).toBe(403);
    });

    it('POST /v1/auth/logout revokes every token of the caller; a new login works', async () => {
      const jane = await registered('logout');
      const first = (await login(jane.email, GOOD_PASSWORD, '192.0.2.31')).body.accessToken;
      const second = (await login(jane.email, GOOD_PASSWORD, '192.0.2.32')).body.accessToken;
      expect((await catalog.http('/v1/probe/whoami', { token: second })).status).toBe(200);
      expect((await members.http('/v1/auth/logout', { method: 'POST' })).status).toBe(401);

      const out = await members.http('/v1/auth/logout', { method: 'POST', token: first });
      expect(out.status).toBe(204);
      expect((await members.http('/v1/members/me', { token: first })).status).toBe(401);
      expect((await members.http('/v1/members/me', { token: second })).status).toBe(401);
      await within(
        2000,
        async () => (await catalog.http('/v1/probe/whoami', { token: second })).status === 401,
      );

      const again = (await login(jane.email, GOOD_PASSWORD, '192.0.2.31')).body.accessToken;
      const me = await members.http('/v1/members/me', { token: again });
      expect(me.status).toBe(200);
      expect(me.headers.get('cache-control')).toBe('no-store');
      expect((await catalog.http('/v1/probe/whoami', { token: again })).status).toBe(200);
    });
  });
});
