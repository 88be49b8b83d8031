import { createPrivateKey, createPublicKey, KeyObject } from 'crypto';
import { errors, exportJWK, JWK, jwtVerify, SignJWT } from 'jose';
import { JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER } from './jwt-keys';
import { AuthenticatedMember, Role, ROLES } from './roles';

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

/** Verifies access tokens with the public key alone: ES256 only, our issuer and audience, not expired. */
export class AccessTokenVerifier {
  private readonly key: KeyObject;

  constructor(publicKeyPem: string) {
    this.key = createPublicKey(publicKeyPem);
  }

  async verify(token: string): Promise<AuthenticatedMember> {
    try {
      // The algorithm list is fixed: a token with alg "none" or HS256 (signed with the public key as
      // a shared secret) is refused before any signature check.
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [JWT_ALGORITHM],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        clockTolerance: 5,
      });
      const roles = Array.isArray(payload.roles)
        ? payload.roles.filter((r): r is Role => ROLES.includes(r as Role))
        : [];
      if (!payload.sub || roles.length === 0) throw new InvalidTokenError('token has no subject or roles');
      return { id: payload.sub, roles };
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new InvalidTokenError('token expired');
      throw new InvalidTokenError('token invalid');
    }
  }

  async publicJwk(kid: string): Promise<JWK> {
    return { ...(await exportJWK(this.key)), kid, alg: JWT_ALGORITHM, use: 'sig' };
  }
}

/** Issues access tokens (members service; tests use it with a test key pair). */
export class AccessTokenSigner {
  private readonly key: KeyObject;

  constructor(
    privateKeyPem: string,
    private readonly kid = 'dev',
    private readonly ttlSeconds = 3600,
  ) {
    this.key = createPrivateKey(privateKeyPem);
  }

  get expiresIn(): number {
    return this.ttlSeconds;
  }

  async sign(member: AuthenticatedMember, ttlSeconds = this.ttlSeconds): Promise<string> {
    return new SignJWT({ roles: member.roles })
      .setProtectedHeader({ alg: JWT_ALGORITHM, kid: this.kid, typ: 'JWT' })
      .setSubject(member.id)
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(this.key);
  }
}
