import { addDays } from '@ecom/analytics-read-models/calendar';
import type { CatalogPlan } from './catalog-plan';
import { Prng } from './prng';

export interface WarehousePlan {
  code: string;
  name: string;
  region: string;
}

export interface ReceiptPlan {
  sku: string;
  warehouse: string;
  quantity: number;
  batch: string;
  /** ISO instant; only perishable SKUs' batches expire. */
  expiresAt?: string;
}

export interface PolicyPlan {
  sku: string;
  safetyStock: number;
  leadTimeDays: number;
}

export interface InventoryPlan {
  warehouses: WarehousePlan[];
  receipts: ReceiptPlan[];
  policies: PolicyPlan[];
  /** SKUs received below their safety stock on purpose (BELOW_SAFETY_STOCK from the start). */
  lowSkus: string[];
  /** SKUs with a batch expiring within 30 days (NEAR_EXPIRY). */
  nearExpirySkus: string[];
  /** Units of the flash-sale SKU, all in one warehouse. */
  flashUnits: number;
}

const WAREHOUSES = [
  { suffix: 'SH', name: 'Shanghai', region: 'east' },
  { suffix: 'BJ', name: 'Beijing', region: 'north' },
  { suffix: 'GZ', name: 'Guangzhou', region: 'south' },
];

/** Units of the flash-sale SKU: few against the shoppers who want it (6 to 60). */
export function flashUnitsFor(shoppers: number): number {
  return Math.min(60, Math.max(6, Math.round(shoppers / 40)));
}

/**
 * Warehouses, one or two stock receipts per SKU (batch codes; perishable batches with expiry dates,
 * a few within 30 days), a stock policy per SKU (safety stock 5-25 units, lead time 3-21 days) and a
 * few SKUs received below their safety stock. Popular SKUs get more units.
 */
export function planInventory(
  prng: Prng,
  catalog: CatalogPlan,
  options: { shoppers: number; prefix: string; today: string },
): InventoryPlan {
  const code = options.prefix.toUpperCase();
  const warehouses = WAREHOUSES.slice(0, options.shoppers >= 500 ? 3 : 2).map((w) => ({
    code: `${code}-${w.suffix}`,
    name: `${w.name} DC (${options.prefix})`,
    region: w.region,
  }));
  const regular = catalog.skus.filter((s) => s.code !== catalog.flashSku);
  const lowSkus = new Set(
    prng.sample(regular, Math.max(2, Math.round(regular.length * 0.05))).map((s) => s.code),
  );
  const perishable = regular.filter((s) => s.perishable);
  const nearExpiry = new Set(
    prng.sample(perishable, Math.max(1, Math.round(perishable.length * 0.15))).map((s) => s.code),
  );
  const month = options.today.slice(0, 7).replace('-', '');

  const receipts: ReceiptPlan[] = [];
  const policies: PolicyPlan[] = [];
  for (const sku of regular) {
    const safetyStock = prng.int(5, 25);
    policies.push({ sku: sku.code, safetyStock, leadTimeDays: prng.int(3, 21) });
    const batches = lowSkus.has(sku.code) ? 1 : prng.int(1, 2);
    const homes = prng.sample(warehouses, batches);
    homes.forEach((warehouse, b) => {
      const quantity = lowSkus.has(sku.code)
        ? prng.int(1, Math.max(1, safetyStock - 2))
        : Math.round((20 + prng.int(0, 40) + sku.popularity / 4) / batches);
      const expiresInDays = !sku.perishable
        ? undefined
        : nearExpiry.has(sku.code) && b === 0
          ? prng.int(5, 25)
          : prng.int(60, 365);
      receipts.push({
        sku: sku.code,
        warehouse: warehouse.code,
        quantity,
        batch: `LOT-${month}-${b + 1}`,
        ...(expiresInDays === undefined
          ? {}
          : { expiresAt: `${addDays(options.today, expiresInDays)}T00:00:00.000Z` }),
      });
    });
  }
  const flashUnits = flashUnitsFor(options.shoppers);
  receipts.push({
    sku: catalog.flashSku,
    warehouse: warehouses[0].code,
    quantity: flashUnits,
    batch: `LOT-${month}-F`,
  });
  policies.push({ sku: catalog.flashSku, safetyStock: 0, leadTimeDays: 14 });
  return {
    warehouses,
    receipts,
    policies,
    lowSkus: [...lowSkus],
    nearExpirySkus: [...nearExpiry],
    flashUnits,
  };
}
