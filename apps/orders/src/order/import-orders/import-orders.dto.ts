import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IMPORT_LIMITS } from './import-line.validator';

/*
 * OpenAPI descriptions of the import's line and answer. The body is JSON lines, not one JSON document,
 * so these classes document it: each line is validated on its own by import-line.validator.ts.
 */

export class ImportOrderItemLine {
  @ApiProperty({ example: 'TEE-RED-M', minLength: 1, maxLength: IMPORT_LIMITS.maxIdLength })
  sku: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: IMPORT_LIMITS.maxQuantity })
  quantity: number;

  @ApiProperty({
    example: 1999,
    minimum: 0,
    maximum: IMPORT_LIMITS.maxPrice,
    description: 'unit price in minor units (1999 = 19.99), as everywhere in the API',
  })
  price: number;
}

export class ImportOrderRefundLine {
  @ApiProperty({ example: 1999, minimum: 1, description: 'minor units' })
  amount: number;

  @ApiProperty({
    example: '2024-03-09T09:00:00+08:00',
    description: 'ISO-8601 with a time zone; not before paidAt',
  })
  at: string;

  @ApiPropertyOptional({
    example: 'size too small',
    maxLength: IMPORT_LIMITS.maxReasonLength,
    nullable: true,
  })
  reason?: string | null;
}

export class ImportOrderLine {
  @ApiProperty({
    example: 'TM-20240301-0001',
    maxLength: IMPORT_LIMITS.maxIdLength,
    description:
      'order id on the source platform; the order id here is derived from it (UUIDv5), so an order imported ' +
      'twice is skipped the second time',
  })
  sourceOrderId: string;

  @ApiProperty({
    example: 'cust-88231',
    maxLength: IMPORT_LIMITS.maxIdLength,
    description:
      "the source platform's customer id (opaque, never an email or phone); the member id is derived from it, " +
      'so the same customer always maps to the same member',
  })
  customerRef: string;

  @ApiProperty({
    example: '2024-03-01T10:00:00+08:00',
    description: 'ISO-8601 with a time zone, not in the future',
  })
  placedAt: string;

  @ApiPropertyOptional({
    example: '2024-03-01T10:02:13+08:00',
    nullable: true,
    description: 'when it was paid (not before placedAt); without it the order is imported as CANCELLED',
  })
  paidAt?: string | null;

  @ApiPropertyOptional({ example: 'web', pattern: '^[a-z0-9_-]{1,32}$', nullable: true })
  channel?: string | null;

  @ApiPropertyOptional({ example: 'CNY', default: 'CNY', pattern: '^[A-Z]{3}$' })
  currency?: string;

  @ApiProperty({
    type: [ImportOrderItemLine],
    minItems: 1,
    maxItems: IMPORT_LIMITS.maxItems,
    description: 'each SKU once',
  })
  items: ImportOrderItemLine[];

  @ApiPropertyOptional({
    type: [ImportOrderRefundLine],
    maxItems: IMPORT_LIMITS.maxRefunds,
    description: 'paid orders only; together at most the order total',
  })
  refunds?: ImportOrderRefundLine[];
}

export class ImportRejectionView {
  @ApiProperty({ example: 7, description: 'the line number in the body (1-based; blank lines count)' })
  line: number;

  @ApiProperty({
    example: 'items.0.price',
    nullable: true,
    type: String,
    description: 'the field at fault as a dotted path, or null when the whole line is (not JSON, not UTF-8)',
  })
  field: string | null;

  @ApiProperty({ example: 'must be an integer (unit price in minor units)' })
  reason: string;
}

export class ImportOrdersResponse {
  @ApiProperty({ example: 998, description: 'orders created by this request' })
  imported: number;

  @ApiProperty({
    example: 1,
    description: 'lines whose order exists already (imported before, or earlier in the body)',
  })
  skipped: number;

  @ApiProperty({
    type: [ImportRejectionView],
    description: 'lines refused, in line order, one entry per line',
  })
  rejected: ImportRejectionView[];
}
