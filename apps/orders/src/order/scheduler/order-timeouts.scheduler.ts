import { CommandSession } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Counter, register } from 'prom-client';
import { v7 as uuidv7 } from 'uuid';
import { ORDERS_SETTINGS, OrdersSettings } from '../../config/orders.settings';
import { OrderAggregate, OrderEvent, OrderState } from '../domain/order.aggregate';
import { closeReturnWindow, expirePayment } from '../domain/order.decisions';
import { CheckoutLimits } from '../place-order/checkout-limits';

// One sweep at a time across every replica of the service (they share the orders database).
export const SCHEDULER_LOCK_KEY = 7_310_602;
const BATCH = 200;

type TimerKind = 'payment_timeout' | 'return_window';

function timeoutsCounter(): Counter<string> {
  return (
    (register.getSingleMetric('orders_timeouts_total') as Counter<string>) ??
    new Counter({ name: 'orders_timeouts_total', help: 'Orders moved on by a timer', labelNames: ['kind'] })
  );
}

/** What each timer does to a due order: a no-op when the order has moved on since (paid, returned...). */
const ON_TIMEOUT: Record<TimerKind, (state: OrderState) => OrderEvent[]> = {
  payment_timeout: (state) => expirePayment(state, { kind: 'expirePayment' }),
  return_window: (state) => closeReturnWindow(state, { kind: 'closeReturnWindow' }),
};

/**
 * The order timers: cancels CONFIRMED orders unpaid after ORDER_PAYMENT_TIMEOUT (OrderCancelled,
 * cancelledBy "system": inventory releases the stock) and completes DELIVERED orders once
 * ORDER_RETURN_WINDOW has passed. Every ORDER_SCHEDULER_INTERVAL one replica sweeps, holding a
 * PostgreSQL advisory lock for the sweep's transaction; the due orders' streams are locked and loaded
 * together and each decision is taken on the current state, so an order paid meanwhile is left alone
 * and none is cancelled twice.
 */
@Injectable()
export class OrderTimeoutScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OrderTimeouts');
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly runtime: EventSourcingRuntime,
    @Inject(ORDERS_SETTINGS) private readonly settings: OrdersSettings,
    private readonly limits: CheckoutLimits,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.sweeping || this.stopped) return;
      this.sweeping = this.sweep()
        .then(() => undefined)
        .catch((error) => this.logger.error(`sweep failed: ${(error as Error).message}`))
        .finally(() => (this.sweeping = undefined));
    }, this.settings.schedulerIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One sweep if no other replica is sweeping; returns how many orders it moved on. */
  async sweep(now = new Date()): Promise<{ cancelled: number; completed: number } | null> {
    const moved = await this.runtime.commands.run(async (session) => {
      const [{ locked }] = await session.sql.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [
        SCHEDULER_LOCK_KEY,
      ]);
      if (!locked) return null;
      const paymentDue = new Date(now.getTime() - this.settings.paymentTimeoutMs);
      const windowClosed = new Date(now.getTime() - this.settings.returnWindowMs);
      const due: { order_id: string; kind: TimerKind }[] = await session.sql.query(
        `(SELECT order_id, 'payment_timeout' AS kind FROM orders_view
          WHERE status = 'CONFIRMED' AND confirmed_at <= $1 ORDER BY confirmed_at LIMIT ${BATCH})
         UNION ALL
         (SELECT order_id, 'return_window' AS kind FROM orders_view
          WHERE status = 'DELIVERED' AND delivered_at <= $2 ORDER BY delivered_at LIMIT ${BATCH})`,
        [paymentDue, windowClosed],
      );
      return this.moveOn(session, due);
    });
    if (!moved) return null;
    for (const kind of Object.keys(moved) as TimerKind[]) {
      if (moved[kind] > 0) timeoutsCounter().inc({ kind }, moved[kind]);
    }
    return { cancelled: moved.payment_timeout, completed: moved.return_window };
  }

  /** The due orders' timeouts as one batch: one locked load and one append for all of them. */
  private async moveOn(
    session: CommandSession,
    due: readonly { order_id: string; kind: TimerKind }[],
  ): Promise<Record<TimerKind, number>> {
    const moved: Record<TimerKind, number> = { payment_timeout: 0, return_window: 0 };
    if (due.length === 0) return moved;
    const results = await session.executeBatch(
      OrderAggregate,
      due.map((row) => ({
        aggregateId: row.order_id,
        decide: ON_TIMEOUT[row.kind],
        context: { correlationId: uuidv7(), causationId: null },
      })),
    );
    const cancelled: { memberId: string; orderId: string }[] = [];
    results.forEach((outcome, i) => {
      if (!outcome.ok || outcome.result.events.length === 0) return;
      moved[due[i].kind]++;
      if (due[i].kind === 'payment_timeout')
        cancelled.push({ memberId: outcome.result.state.memberId, orderId: due[i].order_id });
    });
    // Cancelled for want of payment: no longer counted against their members' unpaid orders.
    session.afterCommit('orders.unpaid-settled', () => this.limits.settled(cancelled));
    return moved;
  }
}
