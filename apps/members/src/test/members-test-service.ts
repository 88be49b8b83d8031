import { TestTokens } from '@ecom/auth';
import { SERVICES } from '@ecom/platform';
import { startTestService, TestService, TestServiceOptions } from '@ecom/testing';
import { AppModule } from '../app.module';

/**
 * Starts the members service for a test: its signing key is the test key pair's private key, so
 * the tokens it issues and those TestTokens mints verify with the same public key. scrypt runs
 * cheaper than in production (N = 2^13) to spare the shared CPU; the unit tests cover the default.
 * The registration limit per address is lifted (registration-throttle.int-spec.ts sets its own).
 */
export async function startMembersService(options: TestServiceOptions = {}): Promise<TestService> {
  const tokens = options.tokens ?? new TestTokens();
  return startTestService(AppModule, SERVICES.members, {
    ...options,
    tokens,
    env: {
      JWT_PRIVATE_KEY: tokens.keys.privateKeyPem,
      PASSWORD_SCRYPT_LOG_N: '13',
      // The tests send X-Forwarded-For to act from several client addresses: trust the local peer.
      TRUSTED_PROXIES: '127.0.0.1',
      // Suites register many members from one address; the registration limit has its own spec.
      REGISTRATION_MAX_PER_ADDRESS: '100000',
      ...options.env,
    },
  });
}

let counter = 0;
/** An email no other test (or run) uses. */
export function uniqueEmail(label = 'member'): string {
  return `${label}.${Date.now().toString(36)}.${(counter++).toString(36)}@example.com`;
}

export const GOOD_PASSWORD = 'correct horse battery 7';
