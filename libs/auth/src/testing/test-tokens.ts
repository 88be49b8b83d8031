import { AccessTokenSigner } from '../access-token';
import { generateSigningKeyPair, SigningKeyPair } from '../jwt-keys';
import { AuthenticatedMember, Role } from '../roles';

/**
 * A key pair of its own for a test file: sets JWT_PUBLIC_KEY so the service under test verifies with
 * it, and mints tokens for any member and roles.
 */
export class TestTokens {
  readonly keys: SigningKeyPair = generateSigningKeyPair('test');
  private readonly signer = new AccessTokenSigner(this.keys.privateKeyPem, 'test');

  install(env: NodeJS.ProcessEnv = process.env): this {
    env.JWT_PUBLIC_KEY = this.keys.publicKeyPem;
    return this;
  }

  mint(member: AuthenticatedMember, ttlSeconds?: number): Promise<string> {
    return this.signer.sign(member, ttlSeconds);
  }

  async bearer(id: string, ...roles: Role[]): Promise<string> {
    return `Bearer ${await this.mint({ id, roles: roles.length ? roles : ['customer'] })}`;
  }
}
