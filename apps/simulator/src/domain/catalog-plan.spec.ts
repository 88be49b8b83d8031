import { planCatalog, skuCountFor } from './catalog-plan';
import { Prng } from './prng';

const SKU_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

describe('catalog plan', () => {
  const small = planCatalog(new Prng(1), { shoppers: 60, prefix: 'sim1' });
  const large = planCatalog(new Prng(1), { shoppers: 2000, prefix: 'sim1' });

  it('scales from two dozen SKUs to a few hundred', () => {
    expect(skuCountFor(10)).toBe(24);
    expect(skuCountFor(2000)).toBe(300);
    expect(skuCountFor(100_000)).toBe(300);
    // The target count plus the flash-sale SKU.
    expect(small.skus).toHaveLength(25);
    expect(large.skus.length).toBe(301);
  });

  it('nests categories three levels deep and puts every product in a leaf', () => {
    for (const plan of [small, large]) {
      const byKey = new Map(plan.categories.map((c) => [c.key, c]));
      for (const category of plan.categories) {
        const parent = category.parentKey ? byKey.get(category.parentKey) : undefined;
        expect(category.depth).toBe(parent ? parent.depth + 1 : 1);
      }
      expect(new Set(plan.categories.map((c) => c.depth))).toEqual(new Set([1, 2, 3]));
      for (const product of plan.products) expect(byKey.get(product.categoryKey)?.depth).toBe(3);
      const siblings = plan.categories.map((c) => `${c.parentKey}/${c.name.toLowerCase()}`);
      expect(new Set(siblings).size).toBe(siblings.length);
    }
  });

  it('gives every SKU a unique valid code, a price and a lower cost', () => {
    const codes = large.skus.map((s) => s.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const sku of large.skus) {
      expect(sku.code).toMatch(SKU_CODE);
      expect(sku.code.startsWith('SIM1-')).toBe(true);
      expect(Number.isInteger(sku.price) && sku.price > 0).toBe(true);
      expect(Number.isInteger(sku.cost) && sku.cost < sku.price).toBe(true);
    }
    for (const product of large.products) expect(product.skus.length).toBeGreaterThanOrEqual(1);
  });

  it('keeps the flash-sale SKU apart: last, in a product of its own, wanted by no regular session', () => {
    expect(large.skus.at(-1)?.code).toBe(large.flashSku);
    const flashProduct = large.products.find((p) => p.skus.some((s) => s.code === large.flashSku));
    expect(flashProduct?.skus).toHaveLength(1);
    expect(large.skus.find((s) => s.code === large.flashSku)?.popularity).toBe(0);
  });

  it('skews demand: the most popular SKU is wanted far more than the median one', () => {
    const popularity = large.skus.map((s) => s.popularity).sort((a, b) => b - a);
    expect(popularity[0]).toBeGreaterThan(10 * popularity[Math.floor(popularity.length / 2)]);
  });

  it('has perishable SKUs even in a small run (batches that expire)', () => {
    expect(small.skus.some((s) => s.perishable)).toBe(true);
  });
});
