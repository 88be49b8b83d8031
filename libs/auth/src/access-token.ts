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

export interface VerifiedToken {
  member: AuthenticatedMember;
  /** The member's token version when the token was issued (claim `tv`; 0 for tokens without it). */
  tokenVersion: number;
}

/** Verified tokens kept per process; beyond it the oldest is dropped. */
const VERIFIED_CACHE_SIZE = 10_000;
/** Longer strings are verified each time and never kept (nothing we issue comes near it). */
const CACHEABLE_TOKEN_LENGTH = 2048;

/**
 * Verifies access tokens with the public key alone: ES256 only, our issuer and audience, not expired.
 *
 * A storefront sends the same token with every request of a session, and an ES256 check was the
 * largest single CPU cost of a request: a token that passed is remembered (by its exact bytes, so a
 * changed byte is a new token) until it expires, and later requests with it skip the signature check.
 */
export class AccessTokenVerifier {
  private readonly key: KeyObject;
  private readonly verified = new Map<string, VerifiedToken & { expiresAtMs: number }>();

  constructor(
    publicKeyPem: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createPublicKey(publicKeyPem);
  }

  async verify(token: string): Promise<AuthenticatedMember> {
    return (await this.verifyToken(token)).member;
  }

  /**
   * The member and the token version (`tv` claim, 0 when absent). Revocation is not this class's
   * business: the remembered answer says only that the signature and claims are good, and the auth
   * guard checks the version against TokenRevocations on every request, cached or not.
   */
  async verifyToken(token: string): Promise<VerifiedToken> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAtMs > this.now()) return known;
      this.verified.delete(token);
    }
    const verified = await this.verifySignature(token);
    if (token.length <= CACHEABLE_TOKEN_LENGTH) {
      if (this.verified.size >= VERIFIED_CACHE_SIZE) {
        this.verified.delete(this.verified.keys().next().value!);
      }
      this.verified.set(token, verified);
    }
    return verified;
  }

  private async verifySignature(token: string): Promise<VerifiedToken & { expiresAtMs: number }> {
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
      if (typeof payload.exp !== 'number') throw new InvalidTokenError('token has no expiry');
      // Frozen: the same object answers every later request with this token.
      const member = Object.freeze({ id: payload.sub, roles: Object.freeze(roles) as Role[] });
      const tokenVersion =
        typeof payload.tv === 'number' && Number.isSafeInteger(payload.tv) && payload.tv >= 0
          ? payload.tv
          : 0;
      return { member, tokenVersion, expiresAtMs: payload.exp * 1000 };
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

  /** `tokenVersion`: the member's current token version (TokenRevocations), put in as claim `tv`. */
  async sign(
    member: AuthenticatedMember,
    ttlSeconds = this.ttlSeconds,
    tokenVersion?: number,
  ): Promise<string> {
    return new SignJWT(
      tokenVersion === undefined ? { roles: member.roles } : { roles: member.roles, tv: tokenVersion },
    )
      .setProtectedHeader({ alg: JWT_ALGORITHM, kid: this.kid, typ: 'JWT' })
      .setSubject(member.id)
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(this.key);
  }
}
