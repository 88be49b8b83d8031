import { BaseEnvironment, validateEnvironment } from '@ecom/platform';
import { Transform } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ScryptParams } from '../member/credentials/password-hasher';
import { DEFAULT_TIER_THRESHOLDS, TierThresholds } from '../member/domain/tier-policy';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** The members service's own variables, validated at start-up beside the platform's. */
export class MembersEnvironment extends BaseEnvironment {
  /** The first admin, created once at start-up if no account has this email. */
  @IsOptional()
  @IsEmail()
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  /** PEM (PKCS#8, P-256) of the key tokens are signed with; or a file; else a dev key under .keys/. */
  @IsOptional()
  @IsString()
  JWT_PRIVATE_KEY?: string;

  @IsOptional()
  @IsString()
  JWT_PRIVATE_KEY_FILE?: string;

  /** Lifetime of access tokens; role changes reach a member's token only when it is renewed. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(86_400)
  JWT_ACCESS_TOKEN_TTL_SECONDS?: number;

  /** 12-month net spend (minor units) from which a member is GOLD; default 500000 (5,000.00). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MEMBER_TIER_GOLD_MIN?: number;

  /** 12-month net spend (minor units) from which a member is BLACK; default 5000000 (50,000.00). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MEMBER_TIER_BLACK_MIN?: number;

  /** How often tiers are reviewed as old spend leaves the 12-month window. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(7 * 86_400)
  MEMBER_TIER_REVIEW_INTERVAL_SECONDS?: number;

  /** Failed logins for one account from one client address before each further one is delayed. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_FREE_FAILURES_PER_ADDRESS?: number;

  /** First delay after the free failures; it doubles with every further failure (up to the window). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  LOGIN_DELAY_BASE_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  LOGIN_MAX_FAILURES_PER_IP?: number;

  /** Failed logins for one account across addresses per window; then only its known addresses may try. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  LOGIN_MAX_FAILURES_PER_ACCOUNT?: number;

  /** How long an address the account logged in from stays known (exempt from the account limit). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  LOGIN_KNOWN_ADDRESS_DAYS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  LOGIN_FAILURE_WINDOW_SECONDS?: number;

  /** Registrations accepted from one client address per REGISTRATION_WINDOW_SECONDS. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  REGISTRATION_MAX_PER_ADDRESS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  REGISTRATION_WINDOW_SECONDS?: number;

  /** scrypt cost N = 2^value (default 15 = 32 MiB per hash). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(12)
  @Max(20)
  PASSWORD_SCRYPT_LOG_N?: number;
}

export interface MembersSettings {
  admin: { email: string; password: string } | null;
  accessTokenTtlSeconds: number;
  tierThresholds: TierThresholds;
  tierReviewIntervalMs: number;
  login: {
    freeFailuresPerAddress: number;
    delayBaseSeconds: number;
    maxFailuresPerIp: number;
    maxFailuresPerAccount: number;
    knownAddressDays: number;
    windowSeconds: number;
  };
  registration: { maxPerAddress: number; windowSeconds: number };
  scrypt: ScryptParams;
}

export const MEMBERS_SETTINGS = Symbol('MEMBERS_SETTINGS');

/** Read when the app is created (tests set the environment after importing the AppModule). */
export function readMembersSettings(env: NodeJS.ProcessEnv = process.env): MembersSettings {
  const valid = validateEnvironment(MembersEnvironment)({ ...env }) as MembersEnvironment;
  const gold = valid.MEMBER_TIER_GOLD_MIN ?? DEFAULT_TIER_THRESHOLDS.gold;
  const black = valid.MEMBER_TIER_BLACK_MIN ?? DEFAULT_TIER_THRESHOLDS.black;
  if (black <= gold) {
    throw new Error(
      `Invalid configuration:\n  MEMBER_TIER_BLACK_MIN (${black}) must be above MEMBER_TIER_GOLD_MIN (${gold})`,
    );
  }
  if (!!valid.ADMIN_EMAIL !== !!valid.ADMIN_PASSWORD) {
    throw new Error(
      'Invalid configuration:\n  ADMIN_EMAIL and ADMIN_PASSWORD are set together or not at all',
    );
  }
  return {
    admin:
      valid.ADMIN_EMAIL && valid.ADMIN_PASSWORD
        ? { email: valid.ADMIN_EMAIL, password: valid.ADMIN_PASSWORD }
        : null,
    accessTokenTtlSeconds: valid.JWT_ACCESS_TOKEN_TTL_SECONDS ?? 900,
    tierThresholds: { gold, black },
    tierReviewIntervalMs: (valid.MEMBER_TIER_REVIEW_INTERVAL_SECONDS ?? 3600) * 1000,
    login: {
      freeFailuresPerAddress: valid.LOGIN_FREE_FAILURES_PER_ADDRESS ?? 5,
      delayBaseSeconds: valid.LOGIN_DELAY_BASE_SECONDS ?? 1,
      maxFailuresPerIp: valid.LOGIN_MAX_FAILURES_PER_IP ?? 20,
      maxFailuresPerAccount: valid.LOGIN_MAX_FAILURES_PER_ACCOUNT ?? 50,
      knownAddressDays: valid.LOGIN_KNOWN_ADDRESS_DAYS ?? 30,
      windowSeconds: valid.LOGIN_FAILURE_WINDOW_SECONDS ?? 900,
    },
    registration: {
      maxPerAddress: valid.REGISTRATION_MAX_PER_ADDRESS ?? 10,
      windowSeconds: valid.REGISTRATION_WINDOW_SECONDS ?? 3600,
    },
    scrypt: { logN: valid.PASSWORD_SCRYPT_LOG_N ?? 15, r: 8, p: 1 },
  };
}
