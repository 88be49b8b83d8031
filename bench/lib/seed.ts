/**
 * Seeds the data a run needs through the public REST API, with names unique to the run so the bench
 * can run again and again against the same stack: a category, products with SKUs (published), a
 * warehouse with stock, and customer members (registered and logged in).
 */
import { Account, ADMIN, Clients, placeOrder } from './api';
import { info, sleep } from './progress';

export interface Sku {
  code: string;
  price: number;
  productId: string;
}

export interface Shop {
  runId: string;
  operator: Account;
  customers: Account[];
  skus: Sku[];
  warehouse: string;
  categoryId: string;
}

export interface SeedOptions {
  runId: string;
  products: number;
  skusPerProduct: number;
  unitsPerSku: number;
  members: number;
}

function expect<T>(answer: { status: number; body: T }, status: number, what: string): T {
  if (answer.status !== status)
    throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer.body;
}

/** Runs `task` for 0..count-1 with at most `concurrency` at a time. */
export async function inParallel<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

export async function loginOperator(clients: Clients): Promise<Account> {
  return new Account(ADMIN.email, ADMIN.password, clients.members).login();
}

/** Creates a listed product with the given SKUs and receives `units` of each into the warehouse. */
export async function createStockedProduct(
  clients: Clients,
  operator: Account,
  options: {
    title: string;
    categoryId: string;
    codes: string[];
    price: number;
    warehouse: string;
    units: number;
  },
): Promise<Sku[]> {
  const token = await operator.bearer();
  const product = expect(
    await clients.catalog.post<{ id: string }>(
      '/v1/products',
      {
        title: options.title,
        categoryId: options.categoryId,
        skus: options.codes.map((code, i) => ({ code, price: options.price + i * 100, cost: 500 })),
      },
      { token },
    ),
    201,
    'create product',
  );
  expect(
    await clients.catalog.post(`/v1/products/${product.id}/publish`, undefined, { token }),
    200,
    'publish',
  );
  for (const code of options.codes)
    await receiveWhenKnown(clients, token, code, options.warehouse, options.units);
  return options.codes.map((code, i) => ({ code, price: options.price + i * 100, productId: product.id }));
}

/**
 * Receives stock of a SKU the catalog just created: inventory learns SKUs from catalog.events and
 * answers 404 SKU_NOT_FOUND until it has, so the receipt is sent again until it is accepted.
 */
async function receiveWhenKnown(
  clients: Clients,
  token: string,
  sku: string,
  warehouse: string,
  units: number,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await clients.inventory.post<{ code?: string }>(
      '/v1/stock/receipts',
      { sku, warehouse, quantity: units },
      { token },
    );
    if (answer.status !== 404 || answer.body?.code !== 'SKU_NOT_FOUND' || Date.now() > deadline) {
      expect(answer, 201, `receive ${sku}`);
      return;
    }
    await sleep(200);
  }
}

/**
 * Waits until orders prices a SKU (its price read model follows catalog through Kafka) by placing a
 * probe order until it is accepted. `quantity` above the stock makes the probe one that inventory
 * rejects, so it takes no units (the flash sale's SKU must keep exactly its stock).
 */
export async function waitSellable(clients: Clients, buyer: Account, sku: string, quantity: number) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await placeOrder(clients.orders, buyer, [{ sku, quantity }]);
    if (answer.status === 202) return;
    if (Date.now() > deadline)
      throw new Error(
        `orders still refuses ${sku} after 60 s: ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    await sleep(200);
  }
}

export async function seedShop(clients: Clients, options: SeedOptions): Promise<Shop> {
  const { runId } = options;
  const tag = runId.toUpperCase();
  const operator = await loginOperator(clients);
  const token = await operator.bearer();
  const category = expect(
    await clients.catalog.post<{ id: string }>('/v1/categories', { name: `Bench ${runId}` }, { token }),
    201,
    'create category',
  );
  const warehouse = `BENCH-${tag}`;
  expect(
    await clients.inventory.post('/v1/warehouses', { code: warehouse, name: `Bench ${runId}` }, { token }),
    201,
    'create warehouse',
  );
  const skus: Sku[] = [];
  for (let p = 0; p < options.products; p++) {
    const codes = Array.from({ length: options.skusPerProduct }, (_, s) => `BENCH-${tag}-P${p}-S${s}`);
    skus.push(
      ...(await createStockedProduct(clients, operator, {
        title: `Bench product ${p} (${runId})`,
        categoryId: category.id,
        codes,
        price: 1000 + p * 10,
        warehouse,
        units: options.unitsPerSku,
      })),
    );
  }
  info(`${skus.length} SKUs in ${options.products} products, ${options.unitsPerSku} units each`);

  // Registration and login hash passwords with scrypt (deliberately slow): a few at a time.
  const password = `Bench-Passw0rd-${runId}`;
  const customers = await inParallel(options.members, 4, async (i) => {
    const email = `bench-${runId}-${i}@example.com`;
    expect(
      // As the back office (the operator's token): anonymous sign-ups are limited per address.
      await clients.members.post('/v1/members', { email, password, displayName: `Bench ${i}` }, { token }),
      201,
      'register member',
    );
    return new Account(email, password, clients.members).login();
  });
  info(`${customers.length} customer members registered and logged in`);

  for (const sku of skus) await waitSellable(clients, customers[0], sku.code, 1);
  info('orders prices every SKU');
  return { runId, operator, customers, skus, warehouse, categoryId: category.id };
}
