import { BaseEnvironment } from '@ecom/platform';
import { Global, Module } from '@nestjs/common';
import { IsNumberString, IsOptional, Matches } from 'class-validator';
import { DURATION_PATTERN, parseDuration } from './duration';

const DURATION_MESSAGE = '$property must be a duration like 15m, 3s, 7d, 250ms or milliseconds';

/** The orders service's own variables, validated at start-up beside the platform's. */
export class OrdersEnvironment extends BaseEnvironment {
  /** Unpaid CONFIRMED orders are cancelled after this (default 15m). */
  @IsOptional()
  @Matches(DURATION_PATTERN, { message: DURATION_MESSAGE })
  ORDER_PAYMENT_TIMEOUT?: string;

  /** DELIVERED orders complete on their own after this (default 7d). */
  @IsOptional()
  @Matches(DURATION_PATTERN, { message: DURATION_MESSAGE })
  ORDER_RETURN_WINDOW?: string;

  /** How often the timeout scheduler sweeps (default 5s; one replica sweeps at a time). */
  @IsOptional()
  @Matches(DURATION_PATTERN, { message: DURATION_MESSAGE })
  ORDER_SCHEDULER_INTERVAL?: string;

  /** Share of simulated payments that are declined, 0..1 (default 0). */
  @IsOptional()
  @IsNumberString()
  PAYMENT_SIMULATOR_FAILURE_RATE?: string;

  /** How long an Idempotency-Key and its response are kept (default 24h). */
  @IsOptional()
  @Matches(DURATION_PATTERN, { message: DURATION_MESSAGE })
  IDEMPOTENCY_TTL?: string;
}

export interface OrdersSettings {
  paymentTimeoutMs: number;
  returnWindowMs: number;
  schedulerIntervalMs: number;
  paymentFailureRate: number;
  idempotencyTtlMs: number;
}

export const ORDERS_SETTINGS = Symbol('ORDERS_SETTINGS');

/** Read when the application is created (tests set the environment per instance). */
export function readOrdersSettings(env: NodeJS.ProcessEnv = process.env): OrdersSettings {
  const failureRate = Number(env.PAYMENT_SIMULATOR_FAILURE_RATE ?? 0);
  if (!(failureRate >= 0 && failureRate <= 1)) {
    throw new Error('PAYMENT_SIMULATOR_FAILURE_RATE must be a number between 0 and 1');
  }
  return {
    paymentTimeoutMs: parseDuration(env.ORDER_PAYMENT_TIMEOUT ?? '15m', 'ORDER_PAYMENT_TIMEOUT'),
    returnWindowMs: parseDuration(env.ORDER_RETURN_WINDOW ?? '7d', 'ORDER_RETURN_WINDOW'),
    schedulerIntervalMs: Math.max(
      50,
      parseDuration(env.ORDER_SCHEDULER_INTERVAL ?? '5s', 'ORDER_SCHEDULER_INTERVAL'),
    ),
    paymentFailureRate: failureRate,
    idempotencyTtlMs: parseDuration(env.IDEMPOTENCY_TTL ?? '24h', 'IDEMPOTENCY_TTL'),
  };
}

/** Provides ORDERS_SETTINGS everywhere in the app, read when the application is created. */
@Global()
@Module({
  providers: [{ provide: ORDERS_SETTINGS, useFactory: () => readOrdersSettings() }],
  exports: [ORDERS_SETTINGS],
})
export class OrdersSettingsModule {}
