/**
 * Catalog load figures on the local infrastructure (PostgreSQL, Kafka, Redis), on a database and
 * topic prefix of its own:
 *   node -r @swc-node/register bench/catalog/catalog-load.ts [products=500]
 * Measures product creation, price changes on one hot SKU (version conflicts retried) against price
 * changes spread over many SKUs, product detail reads with and without the Redis cache, and title
 * search. Not part of the test suite.
 */
import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { SERVICES } from '@ecom/platform';
import { startTestService, TestService } from '@ecom/testing';

// Before the app module is loaded: its logger reads the level when it is declared.
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ??= 'error';
process.env.NODE_ENV ??= 'test';

const PRODUCTS = Number(process.argv[2] ?? 500);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs `total` calls of `task` with `concurrency` in flight; returns throughput and latency percentiles. */
async function load(label: string, total: number, concurrency: number, task: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t0 = performance.now();
        await task(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const result = {
    label,
    total,
    concurrency,
    perSecond: Math.round(total / seconds),
    p50ms: Number(percentile(latencies, 50).toFixed(1)),
    p99ms: Number(percentile(latencies, 99).toFixed(1)),
  };
  console.log(
    `${label}: ${result.perSecond}/s, p50 ${result.p50ms} ms, p99 ${result.p99ms} ms (${total} calls, ${concurrency} in flight)`,
  );
  return result;
}

function expectStatus(response: { status: number; body: unknown }, status: number) {
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
}

async function main() {
  const { AppModule } = (await import('../../apps/catalog/src/app.module')) as { AppModule: Type<unknown> };
  console.log(`starting catalog (bench database, ${PRODUCTS} products)...`);
  const cached = await startTestService(AppModule, SERVICES.catalog, {
    env: { CATALOG_PRODUCT_CACHE_TTL_SECONDS: '300' },
  });
  let uncached: TestService | undefined;
  try {
    const operator = await cached.tokens.bearer('bench-operator', 'operator');
    const root = await cached.http('/v1/categories', { token: operator, body: { name: 'Bench' } });
    const leaf = await cached.http('/v1/categories', {
      token: operator,
      body: { name: 'Leaf', parentId: root.body.id },
    });

    const ids: string[] = [];
    const codes: string[] = [];
    const results = [];
    results.push(
      await load('create product (2 SKUs)', PRODUCTS, 8, async (i) => {
        const response = await cached.http('/v1/products', {
          token: operator,
          body: {
            title: `Bench product ${i} ${i % 7 === 0 ? 'linen' : 'cotton'} shirt`,
            categoryId: leaf.body.id,
            skus: [
              { code: `B-${i}-M`, price: 1000 + i, cost: 400 },
              { code: `B-${i}-L`, price: 1100 + i },
            ],
          },
        });
        expectStatus(response, 201);
        ids[i] = response.body.id;
        codes[i] = `B-${i}-M`;
      }),
    );
    results.push(
      await load('publish product', PRODUCTS, 8, async (i) => {
        expectStatus(
          await cached.http(`/v1/products/${ids[i]}/publish`, { method: 'POST', token: operator }),
          200,
        );
      }),
    );

    const hotChanges = 200;
    results.push(
      await load('price change, one hot SKU', hotChanges, 20, async (i) => {
        expectStatus(
          await cached.http(`/v1/skus/${codes[0]}/price`, {
            method: 'PUT',
            token: operator,
            body: { price: 50_000 + i },
          }),
          200,
        );
      }),
    );
    const hot = await cached.http(`/v1/products/${ids[0]}`, { token: operator });
    // ProductCreated + 2 SkuAdded + ProductPublished, then one event per price change: none lost.
    if (hot.body.version !== 4 + hotChanges)
      throw new Error(`hot product at version ${hot.body.version}, expected ${4 + hotChanges}`);
    const spread = Math.min(hotChanges, PRODUCTS - 1);
    results.push(
      await load('price change, spread over SKUs', spread, 20, async (i) => {
        expectStatus(
          await cached.http(`/v1/skus/${codes[i + 1]}/price`, {
            method: 'PUT',
            token: operator,
            body: { price: 60_000 + i },
          }),
          200,
        );
      }),
    );

    const reads = 3000;
    results.push(
      await load('GET product, Redis cache', reads, 16, async (i) => {
        expectStatus(await cached.http(`/v1/products/${ids[i % 100]}`), 200);
      }),
    );
    uncached = await startTestService(AppModule, SERVICES.catalog, {
      database: cached.database,
      topicPrefix: cached.topicPrefix,
      tokens: cached.tokens,
      env: { CATALOG_PRODUCT_CACHE_TTL_SECONDS: '0' },
    });
    const direct = uncached;
    results.push(
      await load('GET product, PostgreSQL only', reads, 16, async (i) => {
        expectStatus(await direct.http(`/v1/products/${ids[i % 100]}`), 200);
      }),
    );
    results.push(
      await load('list products, q=linen, limit 20', 500, 8, async () => {
        expectStatus(await cached.http('/v1/products?q=linen&limit=20'), 200);
      }),
    );
    results.push(
      await load('list products, category, 20 per page', 500, 8, async () => {
        expectStatus(await cached.http(`/v1/products?categoryId=${root.body.id}&limit=20`), 200);
      }),
    );
    console.log('\nresult:', JSON.stringify(results));
  } finally {
    await uncached?.app.close();
    await cached.close();
  }
}

main()
  .then(() => process.exit(0))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
