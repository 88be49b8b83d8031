import { BusinessRuleError } from '@ecom/event-sourcing';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface SkuPrice {
  sku: string;
  price: number;
  currency: string;
  /** Listed product and SKU not discontinued: it may be put in a cart and ordered. */
  orderable: boolean;
}

export interface PricedLine {
  sku: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
}

/** Reads the orders service's own SKU price read model (fed by catalog.events). */
@Injectable()
export class SkuPrices {
  constructor(private readonly dataSource: DataSource) {}

  async find(skus: readonly string[]): Promise<Map<string, SkuPrice>> {
    if (skus.length === 0) return new Map();
    const rows: { sku: string; price: string; currency: string; orderable: boolean }[] =
      await this.dataSource.query(
        `SELECT s.sku, s.price, s.currency, (NOT s.discontinued AND coalesce(p.listed, false)) AS orderable
       FROM sku_prices s LEFT JOIN catalog_products p ON p.product_id = s.product_id
       WHERE s.sku = ANY($1)`,
        [skus],
      );
    return new Map(
      rows.map((r) => [
        r.sku,
        { sku: r.sku, price: Number(r.price), currency: r.currency, orderable: r.orderable },
      ]),
    );
  }

  /** The price of one orderable SKU, or 422 naming it. */
  async orderable(sku: string): Promise<SkuPrice> {
    const price = (await this.find([sku])).get(sku);
    return requireOrderable(sku, price);
  }

  /**
   * Prices order lines from the read model: every SKU must be known and orderable (else 422 naming
   * them) and all in one currency. The client never sends a price.
   */
  async priceLines(
    items: readonly { sku: string; quantity: number }[],
  ): Promise<{ lines: PricedLine[]; currency: string; total: number }> {
    const prices = await this.find(items.map((i) => i.sku));
    const unknown = items.filter((i) => !prices.get(i.sku)?.orderable).map((i) => i.sku);
    if (unknown.length > 0) {
      throw new BusinessRuleError(`SKU not available for sale: ${unknown.join(', ')}`, 'SKU_NOT_AVAILABLE', {
        skus: unknown,
      });
    }
    const lines = items.map((i) => {
      const unitPrice = prices.get(i.sku)!.price;
      return { sku: i.sku, quantity: i.quantity, unitPrice, lineTotal: unitPrice * i.quantity };
    });
    const currencies = new Set(items.map((i) => prices.get(i.sku)!.currency));
    if (currencies.size > 1) {
      throw new BusinessRuleError(
        `an order is paid in one currency; these SKUs use ${[...currencies].join(', ')}`,
        'CURRENCY_MISMATCH',
      );
    }
    return { lines, currency: [...currencies][0], total: lines.reduce((sum, l) => sum + l.lineTotal, 0) };
  }
}

export function requireOrderable(sku: string, price: SkuPrice | undefined): SkuPrice {
  if (!price || !price.orderable) {
    throw new BusinessRuleError(`SKU not available for sale: ${sku}`, 'SKU_NOT_AVAILABLE', { skus: [sku] });
  }
  return price;
}
