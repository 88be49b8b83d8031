import { Type } from '@sinclair/typebox';

/** Building blocks shared by the event schemas of every bounded context. */
export const Id = Type.String({ minLength: 1, maxLength: 64 });
export const Sku = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'SKU code, unique across the catalog',
});
/** Money in minor units (1999 = 19.99). */
export const Money = Type.Integer({ description: 'amount in minor units (1999 = 19.99)' });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, default CNY' });
export const Quantity = Type.Integer({ minimum: 1 });
export const Timestamp = Type.String({ format: 'date-time' });
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
export const Channel = Nullable(Type.String({ pattern: '^[a-z0-9_-]{1,32}$' }));
export const Attributes = Type.Record(Type.String(), Type.String(), {
  description: 'free-form attributes such as colour or size',
});
