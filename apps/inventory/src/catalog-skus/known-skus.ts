import { Sku } from '@ecom/contracts';
import type { SqlExecutor } from '@ecom/event-sourcing';
import { InvalidCommandError, NotFoundError } from '@ecom/event-sourcing';
import { Injectable } from '@nestjs/common';
import { Value } from '@sinclair/typebox/value';
import { DataSource } from 'typeorm';

/** Control characters (NUL included) and UTF-16 surrogates without their pair: never part of a SKU. */
const UNSAFE_TEXT =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A SKU as a client names it (path or body), checked against the contract's `Sku` schema: 400 with
 * the field and the reason otherwise. Control characters and lone surrogates are refused here, before
 * any query sees them.
 */
export function checkSkuFormat(sku: string, field = 'sku'): string {
  if (!Value.Check(Sku, sku)) {
    throw new InvalidCommandError(`${field} must be 1 to 64 characters`, 'INVALID_SKU', { field });
  }
  if (UNSAFE_TEXT.test(sku)) {
    throw new InvalidCommandError(
      `${field} must not contain control characters or unpaired surrogates`,
      'INVALID_SKU',
      { field },
    );
  }
  return sku;
}

/** The SKUs the catalog has created (inv_known_skus, kept from catalog.events by CatalogSkusConsumer). */
@Injectable()
export class KnownSkus {
  constructor(private readonly dataSource: DataSource) {}

  async isKnown(sku: string, sql: SqlExecutor = this.dataSource): Promise<boolean> {
    const rows: unknown[] = await sql.query(`SELECT 1 FROM inv_known_skus WHERE sku = $1`, [sku]);
    return rows.length > 0;
  }

  /** The SKU, or a 404 naming it when the catalog never created it. */
  async require(sku: string, sql?: SqlExecutor): Promise<string> {
    if (!(await this.isKnown(sku, sql))) {
      throw new NotFoundError(`sku ${sku} is not in the catalog`, 'SKU_NOT_FOUND');
    }
    return sku;
  }
}
