import { NotFoundError } from '@ecom/event-sourcing';
import type { OrderView } from '../read-model/orders.query';
import { OrderChangeSource, OrderWatcher, OrderWatchers, TooManyWatchersError } from './order-watchers';
import { WatchOrderHandler } from './watch-order.handler';
import type { OrdersQuery } from '../read-model/orders.query';

const order = (id: string, status: string, version: number) =>
  ({ id, status, version, memberId: 'member-1' }) as OrderView;
const flush = () => new Promise((resolve) => setImmediate(resolve));
const member = { id: 'member-1', roles: ['customer'] } as never;

/** Notifications on demand; reads answered from `orders`, each one recorded. */
class FakeSource implements OrderChangeSource {
  orders = new Map<string, OrderView>();
  reads: string[][] = [];
  handler?: (orderId: string) => void;
  gate?: Promise<void>;

  async listen(handler: (orderId: string) => void) {
    this.handler = handler;
    return () => (this.handler = undefined);
  }

  async read(ids: readonly string[]) {
    this.reads.push([...ids]);
    await this.gate;
    return new Map(ids.filter((id) => this.orders.has(id)).map((id) => [id, this.orders.get(id)!]));
  }

  notify(id: string) {
    this.handler?.(id);
  }
}

function recorder(): OrderWatcher & { seen: string[]; closed: (string | undefined)[] } {
  const seen: string[] = [];
  const closed: (string | undefined)[] = [];
  return {
    seen,
    closed,
    changed: (o) => seen.push(`${o.status}@${o.version}`),
    closing: (o) => closed.push(o?.status),
  };
}

describe('OrderWatchers', () => {
  let source: FakeSource;
  let watchers: OrderWatchers;

  beforeEach(async () => {
    source = new FakeSource();
    watchers = new OrderWatchers(source, 3);
    await watchers.onModuleInit();
  });

  it('reads a watched order once per notification for all its watchers, and ignores unwatched orders', async () => {
    const [a, b] = [recorder(), recorder()];
    watchers.watch('o1', a);
    watchers.watch('o1', b);
    source.orders.set('o1', order('o1', 'CONFIRMED', 2));
    source.notify('o1');
    source.notify('o1');
    source.notify('nobody-watches-this');
    await flush();
    await flush();
    expect(source.reads).toEqual([['o1']]);
    expect(a.seen).toEqual(['CONFIRMED@2']);
    expect(b.seen).toEqual(['CONFIRMED@2']);
  });

  it('re-checks every watched order in one read after the listener reconnected', async () => {
    watchers.watch('o1', recorder());
    watchers.watch('o2', recorder());
    source.notify('');
    await flush();
    expect(source.reads).toEqual([['o1', 'o2']]);
  });

  it('reads an order notified during its read again afterwards, never twice at once', async () => {
    const a = recorder();
    watchers.watch('o1', a);
    let open!: () => void;
    source.gate = new Promise((resolve) => (open = resolve));
    source.orders.set('o1', order('o1', 'PENDING', 1));
    source.notify('o1');
    await flush();
    source.orders.set('o1', order('o1', 'CONFIRMED', 2));
    source.notify('o1');
    await flush();
    expect(source.reads).toHaveLength(1);
    source.gate = undefined;
    open();
    await flush();
    await flush();
    expect(source.reads).toHaveLength(2);
    expect(a.seen).toEqual(['CONFIRMED@2', 'CONFIRMED@2']);
  });

  it('refuses watches beyond its capacity; closing one frees its place', () => {
    const first = watchers.watch('o1', recorder());
    watchers.watch('o2', recorder());
    watchers.watch('o2', recorder());
    expect(() => watchers.watch('o3', recorder())).toThrow(TooManyWatchersError);
    first.close();
    first.close();
    expect(watchers.size).toBe(2);
    expect(() => watchers.watch('o3', recorder())).not.toThrow();
  });

  it('closes every watch with the current state when the process stops, and later ones at once', async () => {
    const [a, b] = [recorder(), recorder()];
    watchers.watch('o1', a);
    watchers.watch('o2', b);
    source.orders.set('o1', order('o1', 'CONFIRMED', 2));
    await watchers.onModuleDestroy();
    expect(source.reads).toEqual([['o1', 'o2']]);
    expect(a.closed).toEqual(['CONFIRMED']);
    expect(b.closed).toEqual([undefined]);
    const late = recorder();
    watchers.watch('o1', late);
    await flush();
    expect(late.closed).toEqual([undefined]);
  });
});

describe('WatchOrderHandler.follow', () => {
  let source: FakeSource;
  let watchers: OrderWatchers;
  let firstRead: { resolve: (o: OrderView) => void; reject: (e: Error) => void };
  let handler: WatchOrderHandler;

  beforeEach(async () => {
    source = new FakeSource();
    watchers = new OrderWatchers(source);
    await watchers.onModuleInit();
    const query = {
      get: () => new Promise<OrderView>((resolve, reject) => (firstRead = { resolve, reject })),
      findMany: (ids: string[]) => source.read(ids),
    } as unknown as OrdersQuery;
    handler = new WatchOrderHandler(watchers, query);
  });

  function follow(until: string[], timeoutMs = 60_000) {
    const seen: string[] = [];
    const state = { done: false, error: undefined as unknown };
    const subscription = handler.follow(member, 'o1', { until, timeoutMs }).subscribe({
      next: (o) => seen.push(`${o.status}@${o.version}`),
      complete: () => (state.done = true),
      error: (e) => (state.error = e),
    });
    return { seen, state, subscription };
  }

  it('does not miss a change committed between registering and the first read', async () => {
    const watch = follow(['CONFIRMED', 'REJECTED']);
    expect(watchers.size).toBe(1);
    source.orders.set('o1', order('o1', 'CONFIRMED', 2));
    source.notify('o1');
    await flush();
    firstRead.resolve(order('o1', 'PENDING', 1)); // read before the commit, answered after it
    await flush();
    expect(watch.seen).toEqual(['CONFIRMED@2']);
    expect(watch.state.done).toBe(true);
    expect(watchers.size).toBe(0);
  });

  it('sends the current order, then each status change, and ends at a listed status', async () => {
    const watch = follow(['CONFIRMED']);
    firstRead.resolve(order('o1', 'PENDING', 1));
    await flush();
    source.orders.set('o1', order('o1', 'PENDING', 1));
    source.notify(''); // a re-check that finds nothing new sends nothing
    await flush();
    source.orders.set('o1', order('o1', 'CONFIRMED', 2));
    source.notify('o1');
    await flush();
    await flush();
    expect(watch.seen).toEqual(['PENDING@1', 'CONFIRMED@2']);
    expect(watch.state.done).toBe(true);
  });

  it("never shows what it heard before the first read refused another member's order", async () => {
    const watch = follow(['CONFIRMED']);
    source.orders.set('o1', order('o1', 'CONFIRMED', 2));
    source.notify('o1');
    await flush();
    firstRead.reject(new NotFoundError('order not found', 'ORDER_NOT_FOUND'));
    await flush();
    expect(watch.seen).toEqual([]);
    expect(watch.state.error).toBeInstanceOf(NotFoundError);
    expect(watchers.size).toBe(0);
  });

  it('ends at the timeout with the current state, and frees the watch when unsubscribed', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask'] });
    try {
      const watch = follow(['CONFIRMED'], 1000);
      firstRead.resolve(order('o1', 'PENDING', 1));
      await flush();
      source.orders.set('o1', order('o1', 'PENDING', 3)); // changed, status the same, not notified
      jest.advanceTimersByTime(1000);
      await flush();
      expect(watch.seen).toEqual(['PENDING@1', 'PENDING@3']);
      expect(watch.state.done).toBe(true);

      const cancelled = follow(['CONFIRMED'], 1000);
      expect(watchers.size).toBe(1);
      cancelled.subscription.unsubscribe();
      expect(watchers.size).toBe(0);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
