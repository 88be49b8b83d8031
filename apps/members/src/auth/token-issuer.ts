import {
  AccessTokenSigner,
  AccessTokenVerifier,
  AuthenticatedMember,
  JWT_ALGORITHM,
  loadPrivateKeyPem,
  publicKeyPemOf,
} from '@ecom/auth';
import { FactoryProvider } from '@nestjs/common';
import { createPublicKey } from 'crypto';
import { calculateJwkThumbprint, exportJWK, JWK } from 'jose';
import { MEMBERS_SETTINGS, MembersSettings } from '../config/members.settings';

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

/**
 * Signs access tokens (ES256) with the members private key: JWT_PRIVATE_KEY, JWT_PRIVATE_KEY_FILE,
 * or a dev key made under .keys/ on first start. The key id is the RFC 7638 thumbprint of the
 * public key, so every replica with the same key publishes the same JWKS.
 */
export class TokenIssuer {
  private constructor(
    private readonly signer: AccessTokenSigner,
    readonly publicKeyPem: string,
    readonly jwk: JWK,
  ) {}

  static async create(privateKeyPem: string, ttlSeconds: number): Promise<TokenIssuer> {
    const publicKeyPem = publicKeyPemOf(privateKeyPem);
    const publicJwk = await exportJWK(createPublicKey(publicKeyPem));
    const kid = await calculateJwkThumbprint(publicJwk);
    const signer = new AccessTokenSigner(privateKeyPem, kid, ttlSeconds);
    return new TokenIssuer(signer, publicKeyPem, { ...publicJwk, kid, alg: JWT_ALGORITHM, use: 'sig' });
  }

  get kid(): string {
    return this.jwk.kid!;
  }

  /** `tokenVersion`: the member's current version (TokenRevocations), read before their roles. */
  async issue(member: AuthenticatedMember, tokenVersion?: number): Promise<IssuedToken> {
    return {
      accessToken: await this.signer.sign(member, undefined, tokenVersion),
      expiresIn: this.signer.expiresIn,
    };
  }
}

export const tokenIssuerProvider: FactoryProvider<Promise<TokenIssuer>> = {
  provide: TokenIssuer,
  inject: [MEMBERS_SETTINGS, AccessTokenVerifier],
  useFactory: async (settings: MembersSettings, verifier: AccessTokenVerifier) => {
    const issuer = await TokenIssuer.create(loadPrivateKeyPem(), settings.accessTokenTtlSeconds);
    // The service's own guard verifies with JWT_PUBLIC_KEY when set: refuse to start with a pair
    // that does not match rather than issue tokens nobody accepts.
    const probe = await issuer.issue({ id: 'key-check', roles: ['customer'] });
    await verifier.verify(probe.accessToken).catch(() => {
      throw new Error(
        'JWT_PUBLIC_KEY does not match the private key the members service signs with (JWT_PRIVATE_KEY)',
      );
    });
    return issuer;
  },
};
