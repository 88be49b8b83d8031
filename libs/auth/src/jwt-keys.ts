import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';

export const JWT_ALGORITHM = 'ES256';
export const JWT_ISSUER = 'ecom-members';
export const JWT_AUDIENCE = 'ecom';

export interface SigningKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
  /** Key id put in token headers and the JWKS. */
  kid: string;
}

/** A fresh P-256 key pair for ES256 tokens. */
export function generateSigningKeyPair(kid = `key-${Date.now().toString(36)}`): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey, kid };
}

/** Where dev keys live when no key is configured: `.keys/` under the working directory. */
export function defaultKeyDir(): string {
  return process.env.JWT_KEY_DIR ?? join(process.cwd(), '.keys');
}

/**
 * Dev and test keys are made on first start and never committed (.keys/ is git-ignored).
 * Production sets JWT_PRIVATE_KEY (members only) and JWT_PUBLIC_KEY (every service) instead.
 */
export function ensureDevKeyPair(dir = defaultKeyDir()): SigningKeyPair {
  const privatePath = join(dir, 'jwt-private.pem');
  const publicPath = join(dir, 'jwt-public.pem');
  if (!existsSync(privatePath) || !existsSync(publicPath)) {
    mkdirSync(dir, { recursive: true });
    const pair = generateSigningKeyPair('dev');
    // Write to temporary names and link into place: when several services start at once on a fresh
    // machine, the first link wins and the others read the winner's pair.
    const suffix = `.${process.pid}.tmp`;
    writeFileSync(privatePath + suffix, pair.privateKeyPem, { mode: 0o600 });
    writeFileSync(publicPath + suffix, pair.publicKeyPem);
    try {
      linkSync(publicPath + suffix, publicPath);
      linkSync(privatePath + suffix, privatePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(privatePath + suffix, { force: true });
      rmSync(publicPath + suffix, { force: true });
    }
    waitForFile(privatePath);
  }
  return {
    privateKeyPem: readFileSync(privatePath, 'utf8'),
    publicKeyPem: readFileSync(publicPath, 'utf8'),
    kid: 'dev',
  };
}

function waitForFile(path: string): void {
  const deadline = Date.now() + 5000;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

/** The SPKI PEM public key of a private key (members publishes it; it signs with the private one). */
export function publicKeyPemOf(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * The public key every service verifies tokens with: JWT_PUBLIC_KEY, JWT_PUBLIC_KEY_FILE, else (the
 * members service, which holds the private key) the public half of JWT_PRIVATE_KEY /
 * JWT_PRIVATE_KEY_FILE, else the dev key.
 */
export function loadPublicKeyPem(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JWT_PUBLIC_KEY) return env.JWT_PUBLIC_KEY.replace(/\\n/g, '\n');
  if (env.JWT_PUBLIC_KEY_FILE) return readFileSync(env.JWT_PUBLIC_KEY_FILE, 'utf8');
  if (env.JWT_PRIVATE_KEY || env.JWT_PRIVATE_KEY_FILE) return publicKeyPemOf(loadPrivateKeyPem(env));
  return ensureDevKeyPair().publicKeyPem;
}

export function loadPrivateKeyPem(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JWT_PRIVATE_KEY) return env.JWT_PRIVATE_KEY.replace(/\\n/g, '\n');
  if (env.JWT_PRIVATE_KEY_FILE) return readFileSync(env.JWT_PRIVATE_KEY_FILE, 'utf8');
  return ensureDevKeyPair().privateKeyPem;
}

export function ensureParentDir(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
}
