import { IllegalTransitionError } from '@ecom/event-sourcing/domain';
import fc from 'fast-check';
import { CartEvent, CartState, evolveCart, INITIAL_CART_STATE } from './cart.aggregate';
import { addItem, checkOut, createCart, MAX_UNITS_PER_LINE, removeItem } from './cart.decisions';

const fold = (state: CartState, events: CartEvent[]) => events.reduce(evolveCart, state);
const open = fold(
  INITIAL_CART_STATE,
  createCart(INITIAL_CART_STATE, { cartId: 'c-1', memberId: null, visitorId: 'v-1', channel: 'app' }),
);

describe('Cart (pure)', () => {
  it('adds units of a SKU up, carrying visitor and channel on every event (the funnel step)', () => {
    let state = fold(open, addItem(open, { sku: 'TEE', quantity: 2, unitPrice: 1999, currency: 'CNY' }));
    const [event] = addItem(state, { sku: 'TEE', quantity: 1, unitPrice: 1899, currency: 'CNY' });
    expect(event.data).toMatchObject({ visitorId: 'v-1', channel: 'app', memberId: null, quantity: 1 });
    state = fold(state, [event]);
    expect(state.items).toEqual([{ sku: 'TEE', quantity: 3, unitPrice: 1899, currency: 'CNY' }]);
  });

  it('removes a whole line, and refuses a SKU that is not in the cart', () => {
    const withTee = fold(open, addItem(open, { sku: 'TEE', quantity: 2, unitPrice: 1999, currency: 'CNY' }));
    const [removed] = removeItem(withTee, { sku: 'TEE' });
    expect(removed.data).toMatchObject({ sku: 'TEE', quantity: 2 });
    expect(fold(withTee, [removed]).items).toEqual([]);
    expect(() => removeItem(withTee, { sku: 'CAP' })).toThrow(expect.objectContaining({ kind: 'not_found' }));
  });

  it('takes no more items once checked out, naming the state', () => {
    const withTee = fold(open, addItem(open, { sku: 'TEE', quantity: 1, unitPrice: 1999, currency: 'CNY' }));
    const done = fold(
      withTee,
      checkOut(withTee, { orderId: 'o-1', memberId: 'm-1', visitorId: 'v-1', channel: null }),
    );
    expect(done).toMatchObject({ status: 'CHECKED_OUT', orderId: 'o-1' });
    expect(() => addItem(done, { sku: 'TEE', quantity: 1, unitPrice: 1, currency: 'CNY' })).toThrow(
      new IllegalTransitionError('Cart', 'CHECKED_OUT', 'add items'),
    );
    expect(() => checkOut(open, { orderId: 'o', memberId: 'm', visitorId: 'v', channel: null })).toThrow(
      /empty/,
    );
  });

  it('refuses mixing currencies and lines beyond the unit limit', () => {
    const withTee = fold(open, addItem(open, { sku: 'TEE', quantity: 1, unitPrice: 1999, currency: 'CNY' }));
    expect(() => addItem(withTee, { sku: 'CAP', quantity: 1, unitPrice: 10, currency: 'USD' })).toThrow(
      /USD/,
    );
    expect(() =>
      addItem(withTee, { sku: 'TEE', quantity: MAX_UNITS_PER_LINE, unitPrice: 1, currency: 'CNY' }),
    ).toThrow(/at most/);
  });

  it('property: quantities in the cart always equal units added minus units removed, never below 1', () => {
    const op = fc.oneof(
      fc.record({
        add: fc.constant(true as const),
        sku: fc.constantFrom('A', 'B', 'C'),
        quantity: fc.integer({ min: 1, max: 400 }),
      }),
      fc.record({ add: fc.constant(false as const), sku: fc.constantFrom('A', 'B', 'C') }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        let state = open;
        const expected = new Map<string, number>();
        for (const o of ops) {
          try {
            state = fold(
              state,
              o.add
                ? addItem(state, { sku: o.sku, quantity: o.quantity, unitPrice: 100, currency: 'CNY' })
                : removeItem(state, { sku: o.sku }),
            );
            if (o.add) expected.set(o.sku, (expected.get(o.sku) ?? 0) + o.quantity);
            else expected.delete(o.sku);
          } catch {
            /* refused: nothing changes */
          }
        }
        expect(Object.fromEntries(state.items.map((i) => [i.sku, i.quantity]))).toEqual(
          Object.fromEntries(expected),
        );
        for (const item of state.items) {
          expect(item.quantity).toBeGreaterThanOrEqual(1);
          expect(item.quantity).toBeLessThanOrEqual(MAX_UNITS_PER_LINE);
        }
      }),
    );
  });
});
