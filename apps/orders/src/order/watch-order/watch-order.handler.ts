import { AuthenticatedMember } from '@ecom/auth';
import { Injectable, Logger } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ORDER_STATUSES, ORDER_TRANSITIONS, OrderStatus } from '../domain/order.aggregate';
import { OrdersQuery, OrderView } from '../read-model/orders.query';
import { OrderWatch, OrderWatchers } from './order-watchers';

/** Statuses an order never leaves (REJECTED, COMPLETED, CANCELLED): where a watch ends by default. */
export const TERMINAL_ORDER_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter(
  (status) => ORDER_TRANSITIONS[status].length === 0,
);

export interface FollowOptions {
  /** Statuses that end the watch once the order is in one of them. */
  until: readonly string[];
  /** When to end anyway, with the current state. */
  timeoutMs: number;
}

/**
 * Following an order without polling: the current order at once, then the order each time its
 * status changes, until it is in one of `until` or the timeout passes. Long polls and gRPC streams
 * are both this.
 */
@Injectable()
export class WatchOrderHandler {
  private readonly logger = new Logger('WatchOrder');

  constructor(
    private readonly watchers: OrderWatchers,
    private readonly query: OrdersQuery,
  ) {}

  /**
   * Emits the order (as GET /v1/orders/:id shows it) at once and on every status change; completes
   * when it reaches `until` or at the timeout (emitting the current state if it is newer than the
   * last one sent), or when the process stops. Errors: NotFoundError (unknown, or another member's
   * order; before any waiting), TooManyWatchersError. Unsubscribing frees the watch and its timer.
   */
  follow(member: AuthenticatedMember, orderId: string, options: FollowOptions): Observable<OrderView> {
    const until = new Set(options.until);
    return new Observable<OrderView>((subscriber) => {
      let sent: OrderView | undefined;
      let accessChecked = false;
      // What was heard before the first read proved that this member may see the order.
      let heardEarly: OrderView | undefined;
      let closingEarly = false;

      const offer = (order: OrderView | undefined, final: boolean) => {
        if (subscriber.closed) return;
        const newer = order && (!sent || order.version > sent.version);
        if (newer && (final || !sent || order.status !== sent.status)) {
          sent = order;
          subscriber.next(order);
        }
        if (final || (sent && until.has(sent.status))) subscriber.complete();
      };
      const hear = (order: OrderView | undefined, final: boolean) => {
        if (accessChecked) return offer(order, final);
        if (order && (!heardEarly || order.version > heardEarly.version)) heardEarly = order;
        closingEarly ||= final;
      };

      let watch: OrderWatch;
      try {
        watch = this.watchers.watch(orderId, {
          changed: (order) => hear(order, false),
          closing: (order) => hear(order, true),
        });
      } catch (error) {
        subscriber.error(error);
        return;
      }
      const timer = setTimeout(() => {
        this.current(orderId).then((order) => hear(order, true));
      }, options.timeoutMs);

      // Registered first, read second: a change committed in between is heard, not missed.
      this.query.get(member, orderId).then(
        (first) => {
          accessChecked = true;
          const newest = heardEarly && heardEarly.version > first.version ? heardEarly : first;
          offer(newest, closingEarly);
        },
        (error) => subscriber.error(error),
      );

      return () => {
        clearTimeout(timer);
        watch.close();
      };
    });
  }

  /** The order now, or undefined (then the watch ends with the last state it sent). */
  private async current(orderId: string): Promise<OrderView | undefined> {
    try {
      return (await this.query.findMany([orderId])).get(orderId);
    } catch (error) {
      this.logger.warn(`reading order ${orderId} at the end of a watch failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  /**
   * The long poll: the order as soon as it is in one of `until`, else its state at the timeout.
   * An aborted `signal` (the client went away) frees the watch at once.
   */
  waitFor(
    member: AuthenticatedMember,
    orderId: string,
    options: FollowOptions & { signal?: AbortSignal },
  ): Promise<OrderView> {
    const { signal } = options;
    return new Promise<OrderView>((resolve, reject) => {
      let last: OrderView | undefined;
      const subscription = this.follow(member, orderId, options).subscribe({
        next: (order) => (last = order),
        error: reject,
        complete: () => resolve(last!),
      });
      const abort = () => {
        subscription.unsubscribe();
        reject(signal!.reason);
      };
      if (signal?.aborted) abort();
      else signal?.addEventListener('abort', abort, { once: true });
    });
  }
}
