import type { ApiPropertyOptions } from '@nestjs/swagger';

/**
 * OpenAPI property options for the kinds of figures the analytics answers hold, so every answer
 * states its units the same way (docs/contract.md: money in minor units, days in ANALYTICS_TZ).
 */

/** A calendar day as YYYY-MM-DD in ANALYTICS_TZ. */
export const day = (description: string): ApiPropertyOptions => ({
  type: String,
  format: 'date',
  example: '2026-11-11',
  description: `${description} (YYYY-MM-DD, a calendar day in ANALYTICS_TZ)`,
});

/** An instant as ISO-8601 in UTC. */
export const instant = (description: string, nullable = false): ApiPropertyOptions => ({
  type: String,
  format: 'date-time',
  example: '2026-11-11T02:00:00.000Z',
  description: `${description} (ISO-8601, UTC)`,
  ...(nullable ? { nullable: true } : {}),
});

/** An integer amount of money in minor units of the answer's currency (1999 = 19.99). */
export const money = (description: string, nullable = false): ApiPropertyOptions => ({
  type: 'integer',
  example: 1999,
  description: `${description} (minor units of the currency: 1999 = 19.99)`,
  ...(nullable ? { nullable: true } : {}),
});

/** A count of things, 0 or more. */
export const count = (description: string): ApiPropertyOptions => ({
  type: 'integer',
  minimum: 0,
  description,
});

/**
 * A ratio rounded to 4 decimals (0.1234 = 12.34 %), null when its denominator is 0. `atMostOne`
 * where the numerator is a part of the denominator; other ratios (returns per paid order) may exceed 1.
 */
export const ratio = (description: string, atMostOne: boolean): ApiPropertyOptions => ({
  type: Number,
  nullable: true,
  minimum: 0,
  ...(atMostOne ? { maximum: 1 } : {}),
  example: 0.125,
  description: `${description}; a ratio rounded to 4 decimals (0.125 = 12.5 %), null when the denominator is 0`,
});

/** An ISO 4217 currency code. */
export const currency = (description: string): ApiPropertyOptions => ({
  type: String,
  pattern: '^[A-Z]{3}$',
  example: 'CNY',
  description: `${description} (ISO 4217)`,
});

/** Enum values of a nullable enum: OpenAPI 3.0 wants null among the values as well as nullable. */
export const nullableEnum = <T extends string>(values: readonly T[]): ApiPropertyOptions => ({
  type: String,
  enum: [...values, null],
  nullable: true,
});
