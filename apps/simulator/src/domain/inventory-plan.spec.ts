import { planCatalog } from './catalog-plan';
import { daysBetween } from '@ecom/analytics-read-models/calendar';
import { flashUnitsFor, planInventory } from './inventory-plan';
import { Prng } from './prng';

describe('inventory plan', () => {
  const today = '2026-12-02';
  const catalog = planCatalog(new Prng(2), { shoppers: 800, prefix: 'sim2' });
  const plan = planInventory(new Prng(3), catalog, { shoppers: 800, prefix: 'sim2', today });
  const unitsOf = (sku: string) =>
    plan.receipts.filter((r) => r.sku === sku).reduce((n, r) => n + r.quantity, 0);
  const policyOf = (sku: string) => plan.policies.find((p) => p.sku === sku)!;

  it('stocks every SKU in the planned warehouses and gives each a policy', () => {
    const warehouses = new Set(plan.warehouses.map((w) => w.code));
    expect(warehouses).toEqual(new Set(['SIM2-SH', 'SIM2-BJ', 'SIM2-GZ']));
    for (const sku of catalog.skus) {
      expect(unitsOf(sku.code)).toBeGreaterThan(0);
      expect(policyOf(sku.code).leadTimeDays).toBeGreaterThanOrEqual(3);
    }
    for (const receipt of plan.receipts) {
      expect(warehouses.has(receipt.warehouse)).toBe(true);
      expect(Number.isInteger(receipt.quantity) && receipt.quantity > 0).toBe(true);
    }
  });

  it('receives the low SKUs below their safety stock', () => {
    expect(plan.lowSkus.length).toBeGreaterThanOrEqual(2);
    for (const sku of plan.lowSkus) expect(unitsOf(sku)).toBeLessThan(policyOf(sku).safetyStock);
  });

  it('dates perishable batches only, some within 30 days', () => {
    const perishable = new Set(catalog.skus.filter((s) => s.perishable).map((s) => s.code));
    for (const receipt of plan.receipts)
      expect(receipt.expiresAt !== undefined).toBe(perishable.has(receipt.sku));
    const soon = plan.receipts.filter(
      (r) => r.expiresAt && daysBetween(today, r.expiresAt.slice(0, 10)) <= 30,
    );
    expect(new Set(soon.map((r) => r.sku))).toEqual(new Set(plan.nearExpirySkus));
    expect(plan.nearExpirySkus.length).toBeGreaterThan(0);
  });

  it('gives the flash SKU few units in one warehouse', () => {
    expect(flashUnitsFor(60)).toBe(6);
    expect(flashUnitsFor(2000)).toBe(50);
    expect(flashUnitsFor(100_000)).toBe(60);
    const flash = plan.receipts.filter((r) => r.sku === catalog.flashSku);
    expect(flash).toEqual([expect.objectContaining({ quantity: flashUnitsFor(800), warehouse: 'SIM2-SH' })]);
  });
});
