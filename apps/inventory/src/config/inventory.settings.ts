import { BaseEnvironment } from '@ecom/platform';
import { Global, Module } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** The inventory service's own variables, validated at start-up beside the platform's. */
export class InventoryEnvironment extends BaseEnvironment {
  /** How long a SKU's availability stays in Redis without a change refreshing it (default 3600 s). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  AVAILABILITY_CACHE_TTL_SECONDS?: number;

  /** orders.events partitions the reservation consumer handles at the same time (default 3). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  ORDER_EVENTS_CONCURRENCY?: number;
}

export interface InventorySettings {
  availabilityCacheTtlSeconds: number;
  orderEventsConcurrency: number;
}

export const INVENTORY_SETTINGS = Symbol('INVENTORY_SETTINGS');

/** Read when the application is created (tests set the environment after importing the AppModule). */
export function readInventorySettings(env: NodeJS.ProcessEnv = process.env): InventorySettings {
  return {
    availabilityCacheTtlSeconds: Number(env.AVAILABILITY_CACHE_TTL_SECONDS || 3600),
    orderEventsConcurrency: Number(env.ORDER_EVENTS_CONCURRENCY || 3),
  };
}

/** Provides INVENTORY_SETTINGS everywhere in the app, read when the application is created. */
@Global()
@Module({
  providers: [{ provide: INVENTORY_SETTINGS, useFactory: () => readInventorySettings() }],
  exports: [INVENTORY_SETTINGS],
})
export class InventorySettingsModule {}
