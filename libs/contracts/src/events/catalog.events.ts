import { Type } from '@sinclair/typebox';
import { Topics } from '../topics';
import { Attributes, Currency, Id, Money, Nullable, Sku } from './common.schemas';
import { defineEvent, EventUnion } from './define-event';

const topic = Topics.catalog;

export const CatalogEvents = {
  CategoryCreated: defineEvent({
    type: 'CategoryCreated',
    version: 1,
    topic,
    aggregateType: 'Category',
    description: 'A category was created; depth 1 is a root, at most 3 levels.',
    schema: Type.Object(
      {
        categoryId: Id,
        name: Type.String({ minLength: 1, maxLength: 100 }),
        parentId: Nullable(Id),
        depth: Type.Integer({ minimum: 1, maximum: 3 }),
      },
      { additionalProperties: false },
    ),
  }),
  ProductCreated: defineEvent({
    type: 'ProductCreated',
    version: 1,
    topic,
    aggregateType: 'Product',
    description: 'A product was created as DRAFT; its SKUs follow as SkuAdded events.',
    schema: Type.Object(
      {
        productId: Id,
        title: Type.String({ minLength: 1, maxLength: 200 }),
        description: Nullable(Type.String({ maxLength: 5000 })),
        categoryId: Id,
        attributes: Attributes,
      },
      { additionalProperties: false },
    ),
  }),
  ProductDetailsChanged: defineEvent({
    type: 'ProductDetailsChanged',
    version: 1,
    topic,
    aggregateType: 'Product',
    description:
      'Title, description, category or attributes of a product changed (only changed fields present).',
    schema: Type.Object(
      {
        productId: Id,
        title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        description: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
        categoryId: Type.Optional(Id),
        attributes: Type.Optional(Attributes),
      },
      { additionalProperties: false },
    ),
  }),
  SkuAdded: defineEvent({
    type: 'SkuAdded',
    version: 1,
    topic,
    aggregateType: 'Product',
    description: 'A SKU was added to a product, with its price and (optional) unit cost.',
    schema: Type.Object(
      {
        productId: Id,
        sku: Sku,
        price: Money,
        cost: Nullable(Money),
        currency: Currency,
        attributes: Attributes,
      },
      { additionalProperties: false },
    ),
  }),
  SkuPriceChanged: defineEvent({
    type: 'SkuPriceChanged',
    version: 1,
    topic,
    aggregateType: 'Product',
    description: 'The selling price of a SKU changed.',
    schema: Type.Object(
      { productId: Id, sku: Sku, price: Money, previousPrice: Money, currency: Currency },
      { additionalProperties: false },
    ),
  }),
  SkuCostChanged: defineEvent({
    type: 'SkuCostChanged',
    version: 1,
    topic,
    aggregateType: 'Product',
    description: 'The unit cost of a SKU changed (feeds the margin matrix).',
    schema: Type.Object(
      { productId: Id, sku: Sku, cost: Nullable(Money), currency: Currency },
      { additionalProperties: false },
    ),
  }),
  SkuDiscontinued: defineEvent({
    type: 'SkuDiscontinued',
    version: 1,
    topic,
    aggregateType: 'Product',
    description: 'A SKU can no longer be sold; the rest of the product stays as it is.',
    schema: Type.Object({ productId: Id, sku: Sku }, { additionalProperties: false }),
  }),
  ProductPublished: defineEvent({
    type: 'ProductPublished',
    version: 1,
    topic,
    aggregateType: 'Product',
    description: 'The product is LISTED: visible to shoppers, its active SKUs can be ordered.',
    schema: Type.Object(
      { productId: Id, categoryId: Id, skus: Type.Array(Sku, { minItems: 1 }) },
      { additionalProperties: false },
    ),
  }),
  ProductUnpublished: defineEvent({
    type: 'ProductUnpublished',
    version: 1,
    topic,
    aggregateType: 'Product',
    description: 'The product is DELISTED: hidden from shoppers, its SKUs cannot be ordered.',
    schema: Type.Object({ productId: Id, skus: Type.Array(Sku) }, { additionalProperties: false }),
  }),
} as const;

export type CatalogEvent = EventUnion<typeof CatalogEvents>;
