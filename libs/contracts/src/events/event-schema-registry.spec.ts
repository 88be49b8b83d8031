import { Type } from '@sinclair/typebox';
import { Topics } from '../topics';
import { defineEvent } from './define-event';
import { EventSchemaRegistry, EventValidationError } from './event-schema-registry';
import { ALL_EVENT_DEFINITION_SETS, createEventSchemaRegistry, DomainEventOf } from './index';

const ORDER_ID = '0190a6a4-0000-7000-8000-000000000001';
const MEMBER_ID = '0190a6a4-0000-7000-8000-000000000002';
const NOW = '2026-11-11T00:00:01.123Z';

function envelope(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    id: '0190a6a4-1234-7abc-8def-0123456789ab',
    type: 'OrderPlaced',
    version: 1,
    source: 'orders',
    aggregateType: 'Order',
    aggregateId: ORDER_ID,
    sequence: 1,
    occurredAt: NOW,
    correlationId: 'corr-1',
    causationId: null,
    data: {},
    ...overrides,
  };
}

/** One valid event per context (topic). */
const validEvents: Record<string, Record<string, unknown>> = {
  [Topics.catalog]: envelope({
    type: 'SkuAdded',
    source: 'catalog',
    aggregateType: 'Product',
    aggregateId: 'p-1',
    data: {
      productId: 'p-1',
      sku: 'TEE-RED-M',
      price: 1999,
      cost: null,
      currency: 'CNY',
      attributes: { size: 'M' },
    },
  }),
  [Topics.inventory]: envelope({
    type: 'StockReceived',
    source: 'inventory',
    aggregateType: 'StockItem',
    aggregateId: 'TEE-RED-M',
    data: {
      sku: 'TEE-RED-M',
      warehouse: 'SH-01',
      quantity: 10,
      batch: 'B2026-11',
      expiresAt: '2027-11-01T00:00:00.000Z',
      levels: [{ warehouse: 'SH-01', onHand: 10, reserved: 0, available: 10 }],
      totals: { onHand: 10, reserved: 0, available: 10 },
    },
  }),
  [Topics.orders]: envelope({
    data: {
      orderId: ORDER_ID,
      memberId: MEMBER_ID,
      visitorId: MEMBER_ID,
      channel: 'web',
      cartId: null,
      lines: [{ sku: 'TEE-RED-M', quantity: 2, unitPrice: 1999, lineTotal: 3998 }],
      total: 3998,
      currency: 'CNY',
      shippingRegion: 'Shanghai',
    },
  }),
  [Topics.members]: envelope({
    type: 'MemberRegistered',
    source: 'members',
    aggregateType: 'Member',
    aggregateId: MEMBER_ID,
    data: { memberId: MEMBER_ID, roles: ['customer'], tier: 'SILVER' },
  }),
  [Topics.storefrontBehavior]: envelope({
    type: 'Searched',
    source: 'analytics',
    aggregateType: 'Visitor',
    aggregateId: 'v-1',
    data: { visitorId: 'v-1', memberId: null, channel: null, query: 'red tee' },
  }),
  [Topics.analyticsAlerts]: envelope({
    type: 'StockWarningRaised',
    source: 'analytics',
    aggregateType: 'StockWarning',
    aggregateId: 'OUT_OF_STOCK:TEE-RED-M:*',
    data: {
      sku: 'TEE-RED-M',
      warehouse: null,
      type: 'OUT_OF_STOCK',
      available: 0,
      safetyStock: 5,
      daysOfCover: 0,
      suggestedReorderQty: 40,
      since: NOW,
    },
  }),
};

const orderPlaced = validEvents[Topics.orders];
const withData = (patch: Record<string, unknown>) =>
  ({ ...orderPlaced, data: { ...(orderPlaced.data as object), ...patch } }) as Record<string, unknown>;

function validationError(action: () => unknown): EventValidationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(EventValidationError);
    return error as EventValidationError;
  }
  throw new Error('expected an EventValidationError, nothing was thrown');
}

describe('EventSchemaRegistry', () => {
  const registry = createEventSchemaRegistry();

  it('registers every definition of every context', () => {
    const expected = ALL_EVENT_DEFINITION_SETS.reduce((count, set) => count + Object.keys(set).length, 0);
    expect(registry.all()).toHaveLength(expected);
    expect(new Set(registry.all().map((d) => d.topic))).toEqual(new Set(Object.values(Topics)));
  });

  it.each(Object.entries(validEvents))(
    'accepts a valid %s envelope, from an object and from raw JSON',
    (topic, event) => {
      expect(registry.validate(event)).toBe(event);
      expect(registry.get(event.type as string, 1).topic).toBe(topic);
      expect(registry.parse(JSON.stringify(event))).toEqual(event);
      expect(registry.parse(Buffer.from(JSON.stringify(event)))).toEqual(event);
    },
  );

  it('types the data of each event from its schema', () => {
    const paid: DomainEventOf<'OrderPaid'> = {
      type: 'OrderPaid',
      data: {
        orderId: ORDER_ID,
        memberId: MEMBER_ID,
        visitorId: 'v-1',
        channel: 'app',
        amount: 3998,
        currency: 'CNY',
        method: 'alipay',
        paymentId: 'pay-1',
      },
    };
    expect(() => registry.validateData(paid.type, 1, paid.data)).not.toThrow();
  });

  it('refuses an unknown type', () => {
    const error = validationError(() => registry.validate({ ...orderPlaced, type: 'OrderTeleported' }));
    expect(error.message).toMatch(/unknown event type OrderTeleported version 1/);
    expect(error.eventType).toBe('OrderTeleported');
  });

  it('refuses an unknown version of a known type', () => {
    const error = validationError(() => registry.validate({ ...orderPlaced, version: 7 }));
    expect(error.message).toMatch(/unknown event type OrderPlaced version 7/);
  });

  it('refuses data missing a field, naming it', () => {
    const { currency: _currency, ...data } = orderPlaced.data as Record<string, unknown>;
    const error = validationError(() => registry.validate({ ...orderPlaced, data }));
    expect(error.message).toMatch(/OrderPlaced v1 data invalid/);
    expect(error.message).toMatch(/currency/);
  });

  it('refuses data with an extra field', () => {
    const error = validationError(() => registry.validate(withData({ email: 'someone@example.com' })));
    expect(error.message).toMatch(/OrderPlaced v1 data invalid: data has unknown property 'email'/);
  });

  it('refuses data of the wrong shape deeper down (empty lines, fractional money)', () => {
    expect(validationError(() => registry.validate(withData({ lines: [] }))).message).toMatch(/lines/);
    expect(validationError(() => registry.validate(withData({ total: 39.98 }))).message).toMatch(/total/);
  });

  it('refuses an envelope without a correlationId', () => {
    const { correlationId: _correlationId, ...bad } = orderPlaced;
    const error = validationError(() => registry.validate(bad));
    expect(error.message).toMatch(/envelope invalid/);
    expect(error.message).toMatch(/correlationId/);
  });

  it('refuses an envelope whose id is not a uuid', () => {
    const error = validationError(() => registry.validate({ ...orderPlaced, id: 'not-a-uuid' }));
    expect(error.message).toMatch(/envelope invalid/);
    expect(error.message).toMatch(/\/id must match format "uuid"/);
  });

  it('refuses a raw message that is not JSON, or has no value', () => {
    expect(validationError(() => registry.parse('{"type": "OrderPlaced",')).message).toMatch(/not JSON/);
    expect(validationError(() => registry.parse(Buffer.from('\u0000garbage'))).message).toMatch(/not JSON/);
    expect(validationError(() => registry.parse(null)).message).toMatch(/no value/);
  });

  it('refuses two different definitions under one type and version, and accepts the same one twice', () => {
    const schema = Type.Object({ orderId: Type.String() }, { additionalProperties: false });
    const first = defineEvent({
      type: 'Dup',
      version: 1,
      topic: Topics.orders,
      aggregateType: 'Order',
      description: 'x',
      schema,
    });
    const second = defineEvent({ ...first, description: 'y' });
    const local = new EventSchemaRegistry().register(first).register(first);
    expect(() => local.register(second)).toThrow(/Dup@1 is registered twice/);
    expect(() =>
      createEventSchemaRegistry().registerAll({ clash: { ...first, type: 'OrderPlaced' } }),
    ).toThrow(/OrderPlaced@1/);
  });

  it('latest() picks the highest registered version, whatever the order of registration', () => {
    const schemaOf = (field: string) =>
      Type.Object({ [field]: Type.String() }, { additionalProperties: false });
    const base = {
      type: 'Evolving',
      topic: Topics.orders,
      aggregateType: 'Order',
      description: 'evolving',
    } as const;
    const v1 = defineEvent({ ...base, version: 1, schema: schemaOf('a') });
    const v2 = defineEvent({ ...base, version: 2, schema: schemaOf('b') });
    const v3 = defineEvent({ ...base, version: 3, schema: schemaOf('c') });
    const local = new EventSchemaRegistry().register(v2).register(v3).register(v1);
    expect(local.latest('Evolving')).toBe(v3);
    expect(local.get('Evolving', 2)).toBe(v2);
    expect(() => local.validateData('Evolving', 2, { b: 'ok' })).not.toThrow();
    expect(() => local.validateData('Evolving', 2, { a: 'old field' })).toThrow(EventValidationError);
    expect(validationError(() => local.latest('Nope')).message).toMatch(/unknown event type Nope/);
  });
});
