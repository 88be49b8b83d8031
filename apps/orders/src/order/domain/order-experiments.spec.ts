import { createEventSchemaRegistry } from '@ecom/contracts';
import { CommandOf, place } from './order.decisions';
import { INITIAL_ORDER_STATE } from './order.aggregate';

/** The storefront's A/B assignment rides along on OrderPlaced, as sent; the order's state ignores it. */
describe('placing an order with experiments', () => {
  const registry = createEventSchemaRegistry();
  const command: CommandOf<'place'> = {
    kind: 'place',
    orderId: 'o-1',
    memberId: 'm-1',
    visitorId: 'v-1',
    channel: 'web',
    cartId: null,
    currency: 'CNY',
    shippingRegion: 'Zhejiang',
    lines: [{ sku: 'TEE-S', quantity: 2, unitPrice: 1999, lineTotal: 3998 }],
  };

  it('publishes the assignment on OrderPlaced, valid against the published schema', () => {
    const [event] = place(INITIAL_ORDER_STATE, {
      ...command,
      experiments: { checkout_v2: 'B', 'hero.banner': 'control' },
    });
    expect(event.type).toBe('OrderPlaced');
    expect(event.data).toMatchObject({ experiments: { checkout_v2: 'B', 'hero.banner': 'control' } });
    expect(() => registry.validateData('OrderPlaced', 1, event.data)).not.toThrow();
  });

  it('leaves the field out when there is no assignment (none, or an empty one)', () => {
    for (const experiments of [undefined, {}]) {
      const [event] = place(INITIAL_ORDER_STATE, { ...command, experiments });
      expect(Object.keys(event.data)).not.toContain('experiments');
    }
  });
});
