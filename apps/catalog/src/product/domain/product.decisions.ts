import {
  BusinessRuleError,
  ConflictError,
  IllegalTransitionError,
  InvalidCommandError,
  NotFoundError,
} from '@ecom/event-sourcing/domain';
import { activeSkus, Attributes, ProductEvent, ProductState, SkuState } from './product.aggregate';
import {
  assertAttributes,
  assertCost,
  assertCurrency,
  assertPrice,
  assertSkuCode,
  DEFAULT_CURRENCY,
  MAX_SKUS_PER_PRODUCT,
  normalizeDescription,
  normalizeTitle,
  sameAttributes,
} from './product.rules';

/**
 * Facts about a category the decisions need, read by the handler in the command's transaction.
 * `leaf` = the category has no children.
 */
export interface CategoryFacts {
  id: string;
  leaf: boolean;
}

export interface NewSku {
  code: string;
  price: number;
  cost?: number | null;
  currency?: string;
  attributes?: Attributes;
}

export interface CreateProduct {
  productId: string;
  title: string;
  description?: string | null;
  category: CategoryFacts;
  attributes?: Attributes;
  skus: readonly NewSku[];
}

export interface ChangeProductDetails {
  productId: string;
  title?: string;
  description?: string | null;
  /** Facts of the new category when the command moves the product. */
  category?: CategoryFacts;
  attributes?: Attributes;
}

export interface AddSku {
  productId: string;
  sku: NewSku;
}

export interface ChangeSkuPrice {
  productId: string;
  code: string;
  price: number;
}

export interface ChangeSkuCost {
  productId: string;
  code: string;
  /** null when the cost is unknown. */
  cost: number | null;
}

export interface DiscontinueSku {
  productId: string;
  code: string;
}

export interface PublishProduct {
  productId: string;
  /** Facts of the category the product is in. */
  category: CategoryFacts;
}

export interface UnpublishProduct {
  productId: string;
}

function assertExists(state: ProductState, productId: string): void {
  if (!state.exists) throw new NotFoundError(`product ${productId} not found`, 'PRODUCT_NOT_FOUND');
}

function findSku(state: ProductState, code: string): SkuState {
  const sku = state.skus.find((s) => s.code === code);
  if (!sku) throw new NotFoundError(`SKU ${code} not found`, 'SKU_NOT_FOUND');
  return sku;
}

function skuAdded(productId: string, sku: NewSku): ProductEvent {
  assertSkuCode(sku.code);
  assertPrice(sku.price, `price of SKU ${sku.code}`);
  const cost = sku.cost ?? null;
  assertCost(cost, `cost of SKU ${sku.code}`);
  const currency = sku.currency ?? DEFAULT_CURRENCY;
  assertCurrency(currency);
  const attributes = sku.attributes ?? {};
  assertAttributes(attributes, `attributes of SKU ${sku.code}`);
  return {
    type: 'SkuAdded',
    data: { productId, sku: sku.code, price: sku.price, cost, currency, attributes },
  };
}

/** A new product is a DRAFT with its SKUs (ProductCreated, then one SkuAdded per SKU). */
export function createProduct(state: ProductState, command: CreateProduct): ProductEvent[] {
  if (state.exists) throw new ConflictError(`product ${command.productId} already exists`, 'PRODUCT_EXISTS');
  const attributes = command.attributes ?? {};
  assertAttributes(attributes);
  if (command.skus.length > MAX_SKUS_PER_PRODUCT) {
    throw new InvalidCommandError(`a product has at most ${MAX_SKUS_PER_PRODUCT} SKUs`, 'TOO_MANY_SKUS');
  }
  const seen = new Set<string>();
  for (const sku of command.skus) {
    if (seen.has(sku.code)) {
      throw new InvalidCommandError(
        `SKU code ${sku.code} appears more than once in the request`,
        'DUPLICATE_SKU_CODE',
      );
    }
    seen.add(sku.code);
  }
  return [
    {
      type: 'ProductCreated',
      data: {
        productId: command.productId,
        title: normalizeTitle(command.title),
        description: normalizeDescription(command.description),
        categoryId: command.category.id,
        attributes,
      },
    },
    ...command.skus.map((sku) => skuAdded(command.productId, sku)),
  ];
}

/** Emits only the fields that really change; nothing at all when nothing does. */
export function changeProductDetails(state: ProductState, command: ChangeProductDetails): ProductEvent[] {
  const { productId } = command;
  assertExists(state, productId);
  const data: Extract<ProductEvent, { type: 'ProductDetailsChanged' }>['data'] = { productId };
  if (command.title !== undefined) {
    const title = normalizeTitle(command.title);
    if (title !== state.title) data.title = title;
  }
  if (command.description !== undefined) {
    const description = normalizeDescription(command.description);
    if (description !== state.description) data.description = description;
  }
  if (command.category !== undefined && command.category.id !== state.categoryId) {
    if (state.status === 'LISTED' && !command.category.leaf) {
      throw new BusinessRuleError(
        `a listed product can only move to a leaf category: ${command.category.id} has subcategories`,
        'CATEGORY_NOT_LEAF',
        { categoryId: command.category.id },
      );
    }
    data.categoryId = command.category.id;
  }
  if (command.attributes !== undefined) {
    assertAttributes(command.attributes);
    if (!sameAttributes(command.attributes, state.attributes)) data.attributes = command.attributes;
  }
  return Object.keys(data).length > 1 ? [{ type: 'ProductDetailsChanged', data }] : [];
}

export function addSku(state: ProductState, command: AddSku): ProductEvent[] {
  const { productId, sku } = command;
  assertExists(state, productId);
  if (state.skus.some((s) => s.code === sku.code)) {
    throw new ConflictError(
      `SKU code ${sku.code} is already used by product ${productId}`,
      'SKU_CODE_TAKEN',
      { sku: sku.code },
    );
  }
  if (state.skus.length >= MAX_SKUS_PER_PRODUCT) {
    throw new BusinessRuleError(`a product has at most ${MAX_SKUS_PER_PRODUCT} SKUs`, 'TOO_MANY_SKUS');
  }
  return [skuAdded(productId, sku)];
}

/** Records the previous price so downstream price read models can check they missed nothing. */
export function changeSkuPrice(state: ProductState, command: ChangeSkuPrice): ProductEvent[] {
  const { productId, code, price } = command;
  assertExists(state, productId);
  const sku = findSku(state, code);
  assertPrice(price);
  if (sku.status === 'DISCONTINUED') throw new IllegalTransitionError('SKU', sku.status, 'change its price');
  if (sku.price === price) return [];
  return [
    {
      type: 'SkuPriceChanged',
      data: { productId, sku: code, price, previousPrice: sku.price, currency: sku.currency },
    },
  ];
}

export function changeSkuCost(state: ProductState, command: ChangeSkuCost): ProductEvent[] {
  const { productId, code, cost } = command;
  assertExists(state, productId);
  const sku = findSku(state, code);
  assertCost(cost);
  if (sku.cost === cost) return [];
  return [{ type: 'SkuCostChanged', data: { productId, sku: code, cost, currency: sku.currency } }];
}

export function discontinueSku(state: ProductState, command: DiscontinueSku): ProductEvent[] {
  const { productId, code } = command;
  assertExists(state, productId);
  const sku = findSku(state, code);
  if (sku.status === 'DISCONTINUED') throw new IllegalTransitionError('SKU', sku.status, 'discontinue it');
  if (state.status === 'LISTED' && activeSkus(state).length === 1) {
    throw new BusinessRuleError(
      `SKU ${code} is the last active SKU of listed product ${productId}: unpublish the product first`,
      'LAST_ACTIVE_SKU',
      { sku: code },
    );
  }
  return [{ type: 'SkuDiscontinued', data: { productId, sku: code } }];
}

/**
 * DRAFT or DELISTED -> LISTED, only with at least one active SKU with a price, and in a leaf category
 * (shoppers browse leaves; a product in a category with subcategories would be misfiled).
 */
export function publishProduct(state: ProductState, command: PublishProduct): ProductEvent[] {
  const { productId, category } = command;
  assertExists(state, productId);
  if (state.status === 'LISTED') throw new IllegalTransitionError('Product', state.status, 'publish it');
  const sellable = activeSkus(state).filter((sku) => sku.price > 0);
  if (sellable.length === 0) {
    throw new BusinessRuleError(
      `product ${productId} has no active SKU with a price: add one before publishing`,
      'NO_PRICED_SKU',
    );
  }
  if (category.id !== state.categoryId) {
    throw new InvalidCommandError(
      `category facts are for ${category.id}, the product is in ${state.categoryId}`,
    );
  }
  if (!category.leaf) {
    throw new BusinessRuleError(
      `product ${productId} is in category ${category.id}, which has subcategories: move it to a leaf category before publishing`,
      'CATEGORY_NOT_LEAF',
      { categoryId: category.id },
    );
  }
  return [
    {
      type: 'ProductPublished',
      data: { productId, categoryId: state.categoryId, skus: sellable.map((s) => s.code) },
    },
  ];
}

/** LISTED -> DELISTED: hidden from shoppers; every SKU of the product stops being orderable. */
export function unpublishProduct(state: ProductState, command: UnpublishProduct): ProductEvent[] {
  const { productId } = command;
  assertExists(state, productId);
  if (state.status !== 'LISTED') throw new IllegalTransitionError('Product', state.status, 'unpublish it');
  return [{ type: 'ProductUnpublished', data: { productId, skus: state.skus.map((s) => s.code) } }];
}
