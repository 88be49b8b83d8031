import { ProgressBar } from '@ecom/platform/cli';
import type { CategoryPlan } from '../domain/catalog-plan';
import { inParallel, RunContext } from './run-context';

interface CategoryView {
  id: string;
  name: string;
  parentId: string | null;
  depth: number;
}

/** Thrown when the stack already holds this run's shop (same prefix): nothing was created. */
export class AlreadySimulatedError extends Error {}

/**
 * Stage 1: the categories (found when they exist, e.g. from a run with another prefix, created
 * otherwise), then every product with its SKUs (prices and costs), each published (LISTED).
 */
export async function seedCatalog(ctx: RunContext): Promise<void> {
  const { catalog } = ctx.plan;
  const { api, books } = ctx;
  const token = await ctx.operator.bearer();
  const probe = await api.catalog.get(`/v1/skus/${encodeURIComponent(catalog.skus[0].code)}`, {
    expect: [200, 404],
  });
  if (probe.status === 200)
    throw new AlreadySimulatedError(
      `this stack already holds the shop of prefix "${ctx.options.prefix}" (SKU ${catalog.skus[0].code} exists); ` +
        'run with another --prefix or --seed',
    );

  const existing = (await api.catalog.get<{ items: CategoryView[] }>('/v1/categories')).body.items;
  const ids = new Map<string, string>();
  const bar = new ProgressBar(catalog.categories.length + catalog.products.length, {
    label: 'catalog   ',
    unit: 'calls',
  });
  for (const depth of [1, 2, 3] as const) {
    await inParallel(
      catalog.categories.filter((c) => c.depth === depth),
      4,
      async (category: CategoryPlan) => {
        const parentId = category.parentKey ? ids.get(category.parentKey)! : null;
        const found = existing.find(
          (c) => c.parentId === parentId && c.name.toLowerCase() === category.name.toLowerCase(),
        );
        const id = found
          ? found.id
          : (
              await api.catalog.post<CategoryView>(
                '/v1/categories',
                { name: category.name, ...(parentId ? { parentId } : {}) },
                { token },
              )
            ).body.id;
        ids.set(category.key, id);
        books.catalog.categoriesByDepth[depth - 1]++;
        bar.advance();
      },
    );
  }

  await inParallel(catalog.products, 4, async (product) => {
    const token = await ctx.operator.bearer();
    const created = await api.catalog.post<{ id: string }>(
      '/v1/products',
      {
        title: product.title,
        description: product.description,
        categoryId: ids.get(product.categoryKey),
        skus: product.skus.map((s) => ({
          code: s.code,
          price: s.price,
          cost: s.cost,
          attributes: s.attributes,
        })),
      },
      { token },
    );
    books.catalog.products++;
    books.catalog.skus += product.skus.length;
    await api.catalog.post(`/v1/products/${created.body.id}/publish`, undefined, { token });
    books.catalog.listedProducts++;
    bar.advance();
  });
  const ms = bar.finish();
  ctx.log(
    `catalog: ${books.catalog.categoriesByDepth.join('/')} categories by level, ${books.catalog.products} products ` +
      `with ${books.catalog.skus} SKUs, all listed (${(ms / 1000).toFixed(1)} s)`,
  );
}
