import { RunningService, waitUntil } from '@ecom/testing';

export interface StockLevels {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}

/** Drives the inventory service over its REST contract (docs/contract.md section 5) as an operator would. */
export class InventoryDriver {
  constructor(
    private readonly inventory: RunningService,
    private readonly operatorToken: string,
  ) {}

  async createWarehouse(code: string): Promise<void> {
    const response = await this.inventory.http('/v1/warehouses', {
      token: this.operatorToken,
      body: { code, name: `Warehouse ${code}`, region: 'east' },
    });
    if (response.status !== 201)
      throw new Error(`warehouse ${code}: ${response.status} ${JSON.stringify(response.body)}`);
  }

  /**
   * Receives stock of a SKU the catalog announced: inventory learns SKUs from catalog.events, so a
   * receipt sent right after the SkuAdded is answered 404 SKU_NOT_FOUND until it has; sent again then.
   */
  async receive(sku: string, warehouse: string, quantity: number): Promise<void> {
    await waitUntil(
      async () => {
        const response = await this.inventory.http('/v1/stock/receipts', {
          token: this.operatorToken,
          body: { sku, warehouse, quantity },
        });
        if (response.status === 201) return true;
        if (response.status === 404 && response.body?.code === 'SKU_NOT_FOUND') return false;
        throw new Error(`receipt of ${sku}: ${response.status} ${JSON.stringify(response.body)}`);
      },
      { message: `inventory to learn ${sku} from catalog.events and receive it`, intervalMs: 100 },
    );
  }

  async stock(sku: string): Promise<StockLevels> {
    const response = await this.inventory.http(`/v1/stock/${encodeURIComponent(sku)}`, {
      token: this.operatorToken,
    });
    if (response.status !== 200)
      throw new Error(`stock of ${sku}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as StockLevels;
  }

  /** Waits until the SKU's totals match (inventory applies order events asynchronously). */
  async waitForStock(sku: string, expected: Partial<Omit<StockLevels, 'sku'>>): Promise<StockLevels> {
    return waitUntil(
      async () => {
        const levels = await this.stock(sku);
        return Object.entries(expected).every(([key, value]) => levels[key as keyof StockLevels] === value)
          ? levels
          : undefined;
      },
      { message: `stock of ${sku} to be ${JSON.stringify(expected)}` },
    );
  }
}
