import type { EventEnvelope } from '@ecom/contracts';
import { cst, EventFactory } from './event-factory';

/**
 * A deterministic load of storefront behaviour (page and product views by many visitors over
 * 2026-03-01..03-03, some on to carts and orders), to give the projector a backlog worth interrupting.
 */
export function syntheticBehaviour(visitors: number, eventsPerVisitor = 4): EventEnvelope[] {
  const f = new EventFactory();
  const channels = ['web', 'app', 'mini_program', null];
  for (let v = 0; v < visitors; v++) {
    const visitorId = `s-${v}`;
    const day = `2026-03-0${1 + (v % 3)}`;
    const channel = channels[v % channels.length];
    for (let i = 0; i < eventsPerVisitor; i++) {
      const wall = `${day} ${String(8 + (v % 12)).padStart(2, '0')}:${String(i * 5).padStart(2, '0')}`;
      const at = cst(wall);
      if (i === 0) f.make('PageViewed', { visitorId, memberId: null, channel, occurredAt: at }, at);
      else
        f.make(
          'ProductViewed',
          { visitorId, memberId: null, channel, sku: ['A', 'B', 'C', 'E'][i % 4], occurredAt: at },
          at,
        );
    }
    if (v % 10 === 0) {
      const at = cst(`${day} ${String(8 + (v % 12)).padStart(2, '0')}:59`);
      f.make(
        'CartItemAdded',
        {
          cartId: `cart-${visitorId}`,
          memberId: null,
          visitorId,
          channel,
          sku: 'E',
          quantity: 1,
          unitPrice: 1000,
          currency: 'CNY',
        },
        at,
      );
    }
  }
  return f.events;
}
