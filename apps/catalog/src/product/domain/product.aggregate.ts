import type { DomainEventOf } from '@ecom/contracts';
import type { AggregateDefinition } from '@ecom/event-sourcing/domain';

export type ProductEvent =
  | DomainEventOf<'ProductCreated'>
  | DomainEventOf<'ProductDetailsChanged'>
  | DomainEventOf<'SkuAdded'>
  | DomainEventOf<'SkuPriceChanged'>
  | DomainEventOf<'SkuCostChanged'>
  | DomainEventOf<'SkuDiscontinued'>
  | DomainEventOf<'ProductPublished'>
  | DomainEventOf<'ProductUnpublished'>;

export type ProductEventType = ProductEvent['type'];

export const PRODUCT_EVENT_TYPES: readonly ProductEventType[] = [
  'ProductCreated',
  'ProductDetailsChanged',
  'SkuAdded',
  'SkuPriceChanged',
  'SkuCostChanged',
  'SkuDiscontinued',
  'ProductPublished',
  'ProductUnpublished',
];

export const PRODUCT_STATUSES = ['DRAFT', 'LISTED', 'DELISTED'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export const SKU_STATUSES = ['ACTIVE', 'DISCONTINUED'] as const;
export type SkuStatus = (typeof SKU_STATUSES)[number];

export type Attributes = Record<string, string>;

export interface SkuState {
  code: string;
  /** Minor units, > 0. */
  price: number;
  /** Unit cost in minor units, >= 0, or null when unknown. */
  cost: number | null;
  currency: string;
  attributes: Attributes;
  status: SkuStatus;
}

/** Plain JSON (arrays and records only) so that snapshots store it as it is. */
export interface ProductState {
  exists: boolean;
  id: string | null;
  status: ProductStatus;
  title: string;
  description: string | null;
  categoryId: string;
  attributes: Attributes;
  /** In the order they were added. */
  skus: SkuState[];
}

export const initialProductState: ProductState = {
  exists: false,
  id: null,
  status: 'DRAFT',
  title: '',
  description: null,
  categoryId: '',
  attributes: {},
  skus: [],
};

function updateSku(state: ProductState, code: string, change: Partial<SkuState>): ProductState {
  return { ...state, skus: state.skus.map((sku) => (sku.code === code ? { ...sku, ...change } : sku)) };
}

export function evolveProduct(state: ProductState, event: ProductEvent): ProductState {
  switch (event.type) {
    case 'ProductCreated':
      return {
        ...initialProductState,
        exists: true,
        id: event.data.productId,
        title: event.data.title,
        description: event.data.description,
        categoryId: event.data.categoryId,
        attributes: event.data.attributes,
      };
    case 'ProductDetailsChanged': {
      const { productId: _id, ...changes } = event.data;
      return { ...state, ...changes };
    }
    case 'SkuAdded':
      return {
        ...state,
        skus: [
          ...state.skus,
          {
            code: event.data.sku,
            price: event.data.price,
            cost: event.data.cost,
            currency: event.data.currency,
            attributes: event.data.attributes,
            status: 'ACTIVE',
          },
        ],
      };
    case 'SkuPriceChanged':
      return updateSku(state, event.data.sku, { price: event.data.price });
    case 'SkuCostChanged':
      return updateSku(state, event.data.sku, { cost: event.data.cost });
    case 'SkuDiscontinued':
      return updateSku(state, event.data.sku, { status: 'DISCONTINUED' });
    case 'ProductPublished':
      return { ...state, status: 'LISTED' };
    case 'ProductUnpublished':
      return { ...state, status: 'DELISTED' };
    default:
      return state;
  }
}

export const ProductAggregate: AggregateDefinition<ProductState, ProductEvent> = {
  type: 'Product',
  initialState: initialProductState,
  evolve: evolveProduct,
  // A SKU's price can change many times during a flash sale: load from a snapshot, not the whole stream.
  snapshotEvery: 50,
  snapshotSchemaVersion: 1,
};

export function activeSkus(state: ProductState): SkuState[] {
  return state.skus.filter((sku) => sku.status === 'ACTIVE');
}
