import type { KafkaSecurity } from '@ecom/messaging';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { KafkaSecurityEnvironment } from './kafka-security';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/**
 * Variables every service reads, validated at start-up: a bad value stops the process with a
 * message naming the variable instead of failing later. Services extend it with their own. The
 * Kafka SASL/TLS variables are KafkaSecurityEnvironment's.
 */
export class BaseEnvironment extends KafkaSecurityEnvironment {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  GRPC_PORT?: number;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_CONSUMER_POOL_SIZE?: number;

  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @IsString()
  REDIS_KEY_PREFIX?: string;

  @IsOptional()
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port]' })
  KAFKA_BROKERS?: string;

  @IsOptional()
  @Matches(/^[a-zA-Z0-9._-]*$/)
  KAFKA_TOPIC_PREFIX?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_TOPIC_PARTITIONS?: number;

  @IsOptional()
  @IsIn(['true', 'false'])
  MIGRATIONS_RUN?: string;

  /** Comma-separated addresses/CIDRs of trusted proxies (checked in detail by readHttpSettings). */
  @IsOptional()
  @Matches(/^[0-9a-zA-Z.:/,\s]*$/, { message: 'TRUSTED_PROXIES must be addresses or CIDR ranges' })
  TRUSTED_PROXIES?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  HTTP_REQUEST_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  HTTP_HEADERS_TIMEOUT_MS?: number;
}

export function validateEnvironment<T extends BaseEnvironment>(cls: new () => T) {
  return (raw: Record<string, unknown>): Record<string, unknown> => {
    const instance = plainToInstance(cls, raw, { enableImplicitConversion: false });
    const errors = validateSync(instance, { skipMissingProperties: false, whitelist: false });
    if (errors.length > 0) {
      const lines = errors.flatMap((e) =>
        Object.values(e.constraints ?? {}).map((m) => `  ${e.property}: ${m}`),
      );
      throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
    }
    return { ...raw, ...instance };
  };
}

/** Runtime settings shared by every service, read once from the environment. */
export interface PlatformSettings {
  databaseUrl: string;
  databasePoolSize: number;
  /** Connections of the Kafka consumers, a pool of their own so requests and consumers never starve each other. */
  databaseConsumerPoolSize: number;
  redisUrl: string;
  redisKeyPrefix: string;
  kafkaBrokers: string[];
  kafkaTopicPrefix: string;
  kafkaTopicPartitions: number;
  /** SASL and TLS of every Kafka client (KAFKA_SASL_*, KAFKA_TLS*); empty for a local broker. */
  kafkaSecurity: KafkaSecurity;
  runMigrations: boolean;
}
