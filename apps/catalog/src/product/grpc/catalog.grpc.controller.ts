import { AuthenticatedMember, CurrentMember, Public } from '@ecom/auth';
import { InvalidCommandError, NotFoundError } from '@ecom/event-sourcing';
import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { PRODUCT_STATUSES, ProductStatus } from '../domain/product.aggregate';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../read-model/list-products.query';
import { ProductCache } from '../read-model/product-cache';
import { ProductQueries } from '../read-model/product.queries';
import { ProductView, SkuView } from '../read-model/product.views';
import { productFor, skuFor, visibleStatuses } from '../read-model/visibility';

/** Messages of libs/contracts/proto/catalog/v1/catalog.proto (proto-loader camelCases the fields). */
interface GrpcSku {
  code: string;
  productId: string;
  price: number;
  currency: string;
  attributes: Record<string, string>;
  status: string;
}

interface GrpcProduct {
  id: string;
  title: string;
  description: string;
  categoryId: string;
  status: string;
  attributes: Record<string, string>;
  skus: GrpcSku[];
}

interface ListProductsRequest {
  categoryId?: string;
  q?: string;
  status?: string;
  limit?: number;
  cursor?: string;
}

function toGrpcSku(sku: SkuView): GrpcSku {
  return {
    code: sku.code,
    productId: sku.productId,
    price: sku.price,
    currency: sku.currency,
    attributes: sku.attributes,
    status: sku.status,
  };
}

function toGrpcProduct(product: ProductView): GrpcProduct {
  return {
    id: product.id,
    title: product.title,
    description: product.description ?? '',
    categoryId: product.categoryId,
    status: product.status,
    attributes: product.attributes,
    skus: product.skus.map(toGrpcSku),
  };
}

/**
 * catalog.v1.CatalogService for storefronts. Same visibility as REST: without an operator token in
 * the `authorization` metadata only LISTED products (and their SKUs) exist.
 */
@Controller()
@Public()
export class CatalogGrpcController {
  constructor(
    private readonly products: ProductQueries,
    private readonly cache: ProductCache,
  ) {}

  @GrpcMethod('CatalogService', 'GetProduct')
  async getProduct(
    @Payload() request: { id?: string },
    @CurrentMember() member?: AuthenticatedMember,
  ): Promise<GrpcProduct> {
    const id = request.id ?? '';
    if (!id) throw new InvalidCommandError('id is required');
    const product = productFor(member, await this.cache.get(id, () => this.products.product(id)));
    if (!product) throw new NotFoundError(`product ${id} not found`, 'PRODUCT_NOT_FOUND');
    return toGrpcProduct(product);
  }

  @GrpcMethod('CatalogService', 'GetSku')
  async getSku(
    @Payload() request: { code?: string },
    @CurrentMember() member?: AuthenticatedMember,
  ): Promise<GrpcSku> {
    const code = request.code ?? '';
    if (!code) throw new InvalidCommandError('code is required');
    const sku = skuFor(member, await this.products.sku(code));
    if (!sku) throw new NotFoundError(`SKU ${code} not found`, 'SKU_NOT_FOUND');
    return toGrpcSku(sku);
  }

  @GrpcMethod('CatalogService', 'ListProducts')
  async listProducts(
    @Payload() request: ListProductsRequest,
    @CurrentMember() member?: AuthenticatedMember,
  ): Promise<{ items: GrpcProduct[]; nextCursor: string }> {
    const status = request.status || undefined;
    if (status !== undefined && !PRODUCT_STATUSES.includes(status as ProductStatus)) {
      throw new InvalidCommandError(`status must be one of ${PRODUCT_STATUSES.join(', ')}`);
    }
    const limit = request.limit || DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new InvalidCommandError(`limit must be between 1 and ${MAX_PAGE_SIZE}`);
    }
    if ((request.q ?? '').length > 100) throw new InvalidCommandError('q must be at most 100 characters');
    const page = await this.products.list({
      categoryId: request.categoryId || undefined,
      q: request.q || undefined,
      statuses: visibleStatuses(member, status as ProductStatus | undefined),
      limit,
      cursor: request.cursor || undefined,
    });
    return {
      items: page.items.map((item) => toGrpcProduct(productFor(member, item)!)),
      nextCursor: page.nextCursor ?? '',
    };
  }
}
