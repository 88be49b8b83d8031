import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidateIf,
  ValidationOptions,
} from 'class-validator';
import { ORDER_STATUSES } from '../domain/order.aggregate';

export const LONG_POLL_TIMEOUT_MS = { default: 10_000, max: 30_000 } as const;
export const WATCH_STREAM_TIMEOUT_MS = { default: 60_000, max: 300_000 } as const;

/** Why `value` is not a list of order statuses, or undefined when it is one. */
export function statusListProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'must be a list of order statuses';
  if (value.length === 0) return 'must name at least one order status';
  if (value.some((item) => typeof item !== 'string' || item === '')) return 'has an empty item';
  const unknown = value.find((item) => !ORDER_STATUSES.includes(item));
  if (unknown !== undefined)
    return `has an unknown status "${unknown}" (known: ${ORDER_STATUSES.join(', ')})`;
  if (value.length > ORDER_STATUSES.length) return `names more than ${ORDER_STATUSES.length} statuses`;
  return undefined;
}

/** A non-empty list of ORDER_STATUSES; the message names the field and what is wrong with it. */
export function IsOrderStatusList(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isOrderStatusList',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => statusListProblem(value) === undefined,
        defaultMessage: (args) => `${args?.property} ${statusListProblem(args?.value)}`,
      },
    });
}

/** `A,B` (or a repeated parameter) as ['A', 'B']; an empty parameter is an empty list. */
const commaSeparated = ({ value }: { value: unknown }) =>
  typeof value === 'string' || Array.isArray(value)
    ? [value]
        .flat()
        .flatMap((item) => (item === '' ? [] : String(item).split(',')))
        .map((item) => item.trim())
    : value;

/** Query strings are text: a number when it is one; anything else stays as sent and fails @IsInt. */
const numeric = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;

/** GET /v1/orders/:id: optionally wait (long poll) until the order reaches one of some statuses. */
export class GetOrderQueryDto {
  @ApiPropertyOptional({
    type: String,
    example: 'CONFIRMED,REJECTED',
    description:
      `Comma-separated order statuses (${ORDER_STATUSES.join(', ')}). When given, the answer waits ` +
      'until the order is in one of them (at once if it already is), or until timeoutMs passes, and ' +
      'then is the order as it is (200 either way: compare its status). Use it instead of polling.',
  })
  @ValidateIf((query: GetOrderQueryDto) => query.waitFor !== undefined || query.timeoutMs !== undefined)
  @IsDefined({ message: 'waitFor is required when timeoutMs is given' })
  @Transform(commaSeparated)
  @IsOrderStatusList()
  waitFor?: string[];

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: LONG_POLL_TIMEOUT_MS.max,
    default: LONG_POLL_TIMEOUT_MS.default,
    description: 'With waitFor only: how long to wait at most, in milliseconds.',
  })
  @IsOptional()
  @Transform(numeric)
  @IsInt()
  @Min(0)
  @Max(LONG_POLL_TIMEOUT_MS.max)
  timeoutMs?: number;
}

/** orders.v1 WatchOrderRequest, after proto3's "not sent" defaults ('' / [] / 0) became undefined. */
export class WatchOrderRequestDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  id!: string;

  @IsOptional()
  @IsOrderStatusList()
  untilStatus?: string[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(WATCH_STREAM_TIMEOUT_MS.max)
  timeoutMs?: number;
}
