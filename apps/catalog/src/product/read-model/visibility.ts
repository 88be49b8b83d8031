import { AuthenticatedMember, isBackOffice } from '@ecom/auth';
import { PRODUCT_STATUSES, ProductStatus } from '../domain/product.aggregate';
import type { ProductView, SkuDetailView, SkuView } from './product.views';

/**
 * What a caller may see of the catalog. Operators and admins see every product and SKU costs;
 * anonymous callers and customers see LISTED products only (others do not exist for them: 404),
 * without costs.
 */
export function productFor(
  member: AuthenticatedMember | undefined,
  product: ProductView | null,
): ProductView | null {
  if (!product) return null;
  if (isBackOffice(member)) return product;
  if (product.status !== 'LISTED') return null;
  return { ...product, skus: product.skus.map(withoutCost) };
}

export function skuFor(
  member: AuthenticatedMember | undefined,
  sku: SkuDetailView | null,
): SkuDetailView | null {
  if (!sku) return null;
  if (isBackOffice(member)) return sku;
  if (sku.productStatus !== 'LISTED') return null;
  return withoutCost(sku);
}

function withoutCost<T extends SkuView>(sku: T): T {
  const { cost: _cost, ...rest } = sku;
  return rest as T;
}

/** The statuses a list may return: the requested one if the caller may see it, else none. */
export function visibleStatuses(
  member: AuthenticatedMember | undefined,
  requested?: ProductStatus,
): ProductStatus[] {
  const allowed: readonly ProductStatus[] = isBackOffice(member) ? PRODUCT_STATUSES : ['LISTED'];
  return requested ? allowed.filter((status) => status === requested) : [...allowed];
}
