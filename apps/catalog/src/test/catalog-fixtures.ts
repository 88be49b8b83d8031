import { randomBytes } from 'crypto';
import { EventEnvelope } from '@ecom/contracts';
import type { TestService } from '@ecom/testing';

/** A short unique suffix so that names and SKU codes never collide between tests of one suite. */
export const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

export interface CatalogActors {
  operator: string;
  admin: string;
  customer: string;
}

export async function mintActors(service: TestService): Promise<CatalogActors> {
  return {
    operator: await service.tokens.bearer('op-1', 'operator'),
    admin: await service.tokens.bearer('admin-1', 'admin'),
    customer: await service.tokens.bearer('cust-1', 'customer'),
  };
}

function expectStatus(response: { status: number; body: unknown }, status: number, what: string) {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
}

/** Helpers over the real HTTP API for arranging test data. */
export class CatalogFixtures {
  constructor(
    private readonly service: TestService,
    private readonly operator: string,
  ) {}

  async category(name = unique('Category'), parentId?: string) {
    const response = await this.service.http('/v1/categories', {
      token: this.operator,
      body: { name, ...(parentId ? { parentId } : {}) },
    });
    expectStatus(response, 201, `create category ${name}`);
    return response.body as { id: string; name: string; parentId: string | null; depth: number };
  }

  /** A leaf category two levels deep. */
  async leafCategory() {
    const root = await this.category();
    return this.category(unique('Leaf'), root.id);
  }

  async product(
    body: {
      categoryId: string;
      title?: string;
      skus?: { code: string; price: number; cost?: number | null }[];
    } & Record<string, unknown>,
  ) {
    const response = await this.service.http('/v1/products', {
      token: this.operator,
      body: { title: unique('Product'), skus: [{ code: unique('SKU'), price: 1999 }], ...body },
    });
    expectStatus(response, 201, 'create product');
    return response.body as {
      id: string;
      status: string;
      skus: { code: string; price: number; cost?: number | null }[];
    };
  }

  async publish(productId: string) {
    const response = await this.service.http(`/v1/products/${productId}/publish`, {
      method: 'POST',
      token: this.operator,
    });
    expectStatus(response, 200, `publish ${productId}`);
    return response.body;
  }

  async listedProduct(categoryId: string, extra: Record<string, unknown> = {}) {
    const product = await this.product({ categoryId, ...extra });
    await this.publish(product.id);
    return product;
  }
}

/** Events of one aggregate, in stream order. */
export function eventsOf(events: EventEnvelope[], aggregateId: string): EventEnvelope[] {
  return events.filter((e) => e.aggregateId === aggregateId).sort((a, b) => a.sequence - b.sequence);
}
