import { ProgressBar } from '@ecom/platform/cli';
import { ApiError, ApiResponse, sleep } from '../api/service-api';
import { inParallel, RunContext } from './run-context';

/**
 * Inventory learns a SKU from catalog.events and refuses receipts and policies for a SKU it has not
 * heard of yet (404 SKU_NOT_FOUND, nothing written): such a call is sent again for a while.
 */
const UNKNOWN_SKU_PATIENCE_MS = 90_000;

async function whenSkuKnown(
  what: string,
  call: () => Promise<ApiResponse<{ code?: string }>>,
): Promise<void> {
  const deadline = Date.now() + UNKNOWN_SKU_PATIENCE_MS;
  for (;;) {
    const answer = await call();
    if (answer.status !== 404) return;
    if (answer.body?.code !== 'SKU_NOT_FOUND' || Date.now() > deadline)
      throw new ApiError(what, 404, answer.body);
    await sleep(300);
  }
}

/**
 * Stage 2: warehouses (kept when they exist), stock receipts with batch codes and expiry dates, and
 * a stock policy (safety stock, lead time) per SKU, including the deliberately low SKUs and the
 * flash-sale SKU's few units.
 */
export async function seedInventory(ctx: RunContext): Promise<void> {
  const { inventory } = ctx.plan;
  const { api, books } = ctx;
  const bar = new ProgressBar(
    inventory.warehouses.length + inventory.receipts.length + inventory.policies.length,
    { label: 'inventory ', unit: 'calls' },
  );
  for (const warehouse of inventory.warehouses) {
    await api.inventory.post('/v1/warehouses', warehouse, {
      token: await ctx.operator.bearer(),
      expect: [201, 409],
    });
    books.inventory.warehouses++;
    bar.advance();
  }
  await inParallel(inventory.receipts, 4, async (receipt) => {
    await whenSkuKnown(`inventory POST /v1/stock/receipts (${receipt.sku})`, async () =>
      api.inventory.post('/v1/stock/receipts', receipt, {
        token: await ctx.operator.bearer(),
        expect: [201, 404],
      }),
    );
    books.inventory.receipts++;
    books.inventory.unitsReceived += receipt.quantity;
    if (receipt.sku === ctx.plan.catalog.flashSku) books.flash.unitsReceived += receipt.quantity;
    bar.advance();
  });
  await inParallel(inventory.policies, 4, async (policy) => {
    await whenSkuKnown(`inventory PUT /v1/stock/${policy.sku}/policy`, async () =>
      api.inventory.put(
        `/v1/stock/${encodeURIComponent(policy.sku)}/policy`,
        { safetyStock: policy.safetyStock, leadTimeDays: policy.leadTimeDays },
        { token: await ctx.operator.bearer(), expect: [200, 404] },
      ),
    );
    books.inventory.policies++;
    bar.advance();
  });
  books.inventory.lowSkus = inventory.lowSkus;
  books.inventory.nearExpirySkus = inventory.nearExpirySkus;
  books.flash.sku = ctx.plan.catalog.flashSku;
  const ms = bar.finish();
  ctx.log(
    `inventory: ${books.inventory.warehouses} warehouses, ${books.inventory.receipts} receipts ` +
      `(${books.inventory.unitsReceived} units), ${books.inventory.policies} stock policies; ` +
      `${inventory.lowSkus.length} SKUs below safety stock, ${inventory.nearExpirySkus.length} with a batch near expiry, ` +
      `${inventory.flashUnits} units of the flash SKU (${(ms / 1000).toFixed(1)} s)`,
  );
}
