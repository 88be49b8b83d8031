import { EventSourcingRuntime } from '@ecom/platform';
import { FactoryProvider, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ORDER_STATUS_CHANNEL } from '../read-model/order-summary.projection';
import { OrdersQuery, OrderView } from '../read-model/orders.query';

/** At most this many watches (long polls + gRPC streams) per process, so waiting cannot exhaust memory. */
export const MAX_ORDER_WATCHERS = 10_000;

/** Whoever follows one order. Both callbacks may come before the watcher's own first read returns. */
export interface OrderWatcher {
  /** The order as committed after a status change (or after a re-check: it may be unchanged). */
  changed(order: OrderView): void;
  /** The process is stopping: finish now, with this state (undefined when it could not be read). */
  closing(order: OrderView | undefined): void;
}

export interface OrderWatch {
  /** Stops the watch; idempotent. */
  close(): void;
}

/** Where changes come from: the commit notifications, and the read model to read orders from. */
export interface OrderChangeSource {
  /** Subscribes to the ids of orders whose status changed; `''` means "re-check every order". */
  listen(handler: (orderId: string) => void): Promise<() => void>;
  read(orderIds: readonly string[]): Promise<Map<string, OrderView>>;
}

export class TooManyWatchersError extends Error {
  constructor(capacity: number) {
    super(`too many open order watches on this replica (${capacity}); retry in a second`);
  }
}

/**
 * The in-process registry of everyone waiting on an order, keyed by order id. A notification for an
 * order nobody watches costs a Map lookup; one for a watched order costs one read shared by all its
 * watchers. Notifications that arrive together are read together (one query), and an order is never
 * read twice at once, so its watchers see its states in commit order.
 */
export class OrderWatchers implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('OrderWatchers');
  private readonly byOrder = new Map<string, Set<OrderWatcher>>();
  private count = 0;
  /** Notified and not read yet. */
  private readonly stale = new Set<string>();
  /** Being read now: a new notification for one of these waits for that read to finish. */
  private readonly reading = new Set<string>();
  private readScheduled = false;
  private unlisten?: () => void;
  private stopped = false;

  constructor(
    private readonly source: OrderChangeSource,
    readonly capacity = MAX_ORDER_WATCHERS,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unlisten = await this.source.listen((orderId) => this.notified(orderId));
  }

  /** Open watches in this process. */
  get size(): number {
    return this.count;
  }

  /**
   * Registers a watcher of an order. Register BEFORE reading the order's current state: a change
   * committed between that read and the registration would otherwise go unnoticed.
   * Throws TooManyWatchersError at capacity. While the process stops, the watcher is told to close.
   */
  watch(orderId: string, watcher: OrderWatcher): OrderWatch {
    if (this.stopped) {
      queueMicrotask(() => watcher.closing(undefined));
      return { close: () => undefined };
    }
    if (this.count >= this.capacity) throw new TooManyWatchersError(this.capacity);
    let watchers = this.byOrder.get(orderId);
    if (!watchers) this.byOrder.set(orderId, (watchers = new Set()));
    watchers.add(watcher);
    this.count++;
    let open = true;
    return {
      close: () => {
        if (!open) return;
        open = false;
        watchers.delete(watcher);
        this.count--;
        if (watchers.size === 0 && this.byOrder.get(orderId) === watchers) this.byOrder.delete(orderId);
      },
    };
  }

  private notified(orderId: string): void {
    if (orderId === '') {
      for (const id of this.byOrder.keys()) this.stale.add(id);
    } else if (this.byOrder.has(orderId)) {
      this.stale.add(orderId);
    }
    if (this.stale.size > 0) this.scheduleRead();
  }

  private scheduleRead(): void {
    if (this.readScheduled || this.stopped) return;
    this.readScheduled = true;
    // Let the notifications of one burst gather, then read them in one query.
    setImmediate(() => {
      this.readScheduled = false;
      void this.readStale();
    });
  }

  private async readStale(): Promise<void> {
    // Orders being read stay stale: they are read again once that read is done.
    const ids = [...this.stale].filter((id) => !this.reading.has(id));
    for (const id of ids) this.stale.delete(id);
    const watched = ids.filter((id) => this.byOrder.has(id));
    if (watched.length === 0) return;
    for (const id of watched) this.reading.add(id);
    try {
      const orders = await this.source.read(watched);
      for (const [id, order] of orders) this.tell(id, (watcher) => watcher.changed(order));
    } catch (error) {
      // Watchers still end at their timeout, with a fresh read; nothing else to do here.
      this.logger.warn(`reading watched orders failed: ${(error as Error).message}`);
    } finally {
      for (const id of watched) this.reading.delete(id);
      if (this.stale.size > 0) this.scheduleRead();
    }
  }

  private tell(orderId: string, call: (watcher: OrderWatcher) => void): void {
    for (const watcher of [...(this.byOrder.get(orderId) ?? [])]) {
      try {
        call(watcher);
      } catch (error) {
        this.logger.error(`an order watcher failed: ${(error as Error).stack}`);
      }
    }
  }

  /** Ends every watch with the order's current state, so waiting requests answer before the server stops. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.unlisten?.();
    const ids = [...this.byOrder.keys()];
    if (ids.length === 0) return;
    const current = await Promise.race([
      this.source.read(ids),
      new Promise<Map<string, OrderView>>((resolve) => setTimeout(() => resolve(new Map()), 2000).unref()),
    ]).catch(() => new Map<string, OrderView>());
    for (const id of ids) this.tell(id, (watcher) => watcher.closing(current.get(id)));
  }
}

/** The process's OrderWatchers, fed by the read model's ORDER_STATUS_CHANNEL notifications. */
export const ORDER_WATCHERS_PROVIDER: FactoryProvider<OrderWatchers> = {
  provide: OrderWatchers,
  inject: [EventSourcingRuntime, OrdersQuery],
  useFactory: (runtime: EventSourcingRuntime, query: OrdersQuery) =>
    new OrderWatchers({
      listen: (handler) => runtime.notifications.listen(ORDER_STATUS_CHANNEL, handler),
      read: (orderIds) => query.findMany(orderIds),
    }),
};
