import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

/** scrypt cost: N = 2^logN, block size r, parallelism p. Memory used is about 128 * N * r bytes. */
export interface ScryptParams {
  logN: number;
  r: number;
  p: number;
}

/**
 * N = 2^15, r = 8, p = 1: 32 MiB and roughly 50-100 ms of one core per hash. PASSWORD_SCRYPT_LOG_N
 * raises N (17 = 128 MiB, OWASP's first scrypt configuration) where the hardware allows; existing
 * hashes keep their own parameters and are upgraded on the next successful login.
 */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { logN: 15, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
// Bounds for parameters read back from stored hashes, so a corrupted row cannot ask for gigabytes.
const LIMITS = { logN: [10, 22], r: [1, 32], p: [1, 16] } as const;

function derive(password: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  const N = 2 ** params.logN;
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r * params.p };
  return new Promise((resolve, reject) =>
    // The async form runs on libuv's thread pool, so hashing never blocks the event loop.
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

/** `$scrypt$ln=15,r=8,p=1$<salt>$<key>` (base64 without padding), the parameters stored with the hash. */
function parse(encoded: string): ParsedHash | null {
  const parts = encoded.split('$');
  if (parts.length !== 5 || parts[0] !== '' || parts[1] !== 'scrypt') return null;
  const fields = Object.fromEntries(parts[2].split(',').map((kv) => kv.split('=') as [string, string]));
  const params: ScryptParams = { logN: Number(fields.ln), r: Number(fields.r), p: Number(fields.p) };
  for (const name of ['logN', 'r', 'p'] as const) {
    const [min, max] = LIMITS[name];
    if (!Number.isInteger(params[name]) || params[name] < min || params[name] > max) return null;
  }
  const salt = Buffer.from(parts[3], 'base64');
  const key = Buffer.from(parts[4], 'base64');
  if (salt.length < 16 || key.length < 16 || key.length > 128) return null;
  return { params, salt, key };
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

/**
 * Password hashing with scrypt from node:crypto: a random salt per password, the cost parameters
 * stored with each hash (so they can be raised later: see needsRehash), and a constant-time compare.
 */
export class PasswordHasher {
  private dummy?: Promise<string>;

  constructor(readonly params: ScryptParams = DEFAULT_SCRYPT_PARAMS) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await derive(password, salt, this.params, KEY_LENGTH);
    const { logN, r, p } = this.params;
    return `$scrypt$ln=${logN},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
  }

  /** True when the password matches; false for a wrong password or an unreadable hash. */
  async verify(password: string, encoded: string): Promise<boolean> {
    const parsed = parse(encoded);
    if (!parsed) return false;
    const key = await derive(password, parsed.salt, parsed.params, parsed.key.length);
    return timingSafeEqual(key, parsed.key);
  }

  /**
   * Spends the same work as a real check against a hash of the current parameters, then fails:
   * used for unknown emails so that response times do not tell which emails are registered.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    await this.verify(password, await this.dummyHash());
    return false;
  }

  /** Makes the dummy hash ahead of the first unknown-email login (which would otherwise pay for it). */
  async dummyHash(): Promise<string> {
    this.dummy ??= this.hash(randomBytes(24).toString('base64'));
    return this.dummy;
  }

  /** The stored hash was made with other parameters than the current ones (rehash after a login). */
  needsRehash(encoded: string): boolean {
    const parsed = parse(encoded);
    if (!parsed) return true;
    const { logN, r, p } = this.params;
    return (
      parsed.params.logN !== logN ||
      parsed.params.r !== r ||
      parsed.params.p !== p ||
      parsed.key.length !== KEY_LENGTH
    );
  }
}
