import { BaseEnvironment } from '@ecom/platform';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** The catalog's own variables, validated at start-up with the platform's. */
export class CatalogEnvironment extends BaseEnvironment {
  /** Seconds a product detail stays in Redis (invalidated on every change anyway); 0 disables the cache. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400)
  CATALOG_PRODUCT_CACHE_TTL_SECONDS?: number;
}

export interface CatalogSettings {
  productCacheTtlSeconds: number;
}

export const CATALOG_SETTINGS = Symbol('CATALOG_SETTINGS');

/** Read when the application is created (tests set the environment after importing the module). */
export function readCatalogSettings(env: NodeJS.ProcessEnv = process.env): CatalogSettings {
  return { productCacheTtlSeconds: Number(env.CATALOG_PRODUCT_CACHE_TTL_SECONDS ?? 300) };
}
