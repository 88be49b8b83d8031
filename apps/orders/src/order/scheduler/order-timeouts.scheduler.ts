import { AggregateRepository, StreamVersionConflictError } from '@ecom/event-sourcing';
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
import { ORDERS_SETTINGS, OrdersSettings } from '../../config/orders.environment';
import { OrderAggregate, OrderEvent, OrderState } from '../domain/order.aggregate';
import { closeReturnWindow, expirePayment } from '../domain/order.decisions';

// One sweep at a time across every replica of the service (they share the orders database).
export const SCHEDULER_LOCK_KEY = 7_310_602;
const BATCH = 200;

function timeoutsCounter(): Counter<string> {
  return (
    (register.getSingleMetric('orders_timeouts_total') as Counter<string>) ??
    new Counter({ name: 'orders_timeouts_total', help: 'Orders moved on by a timer', labelNames: ['kind'] })
  );
}

/**
 * The order timers: cancels CONFIRMED orders unpaid after ORDER_PAYMENT_TIMEOUT (OrderCancelled,
 * cancelledBy "system": inventory releases the stock) and completes DELIVERED orders once
 * ORDER_RETURN_WINDOW has passed. Every ORDER_SCHEDULER_INTERVAL one replica sweeps, holding a
 * PostgreSQL advisory lock; each command appends at the version the read model showed, so even two
 * sweeps could not cancel an order twice (the second append conflicts, and the decision is a no-op on
 * a CANCELLED order anyway).
 */
@Injectable()
export class OrderTimeoutScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OrderTimeouts');
  private readonly orders: AggregateRepository<OrderState, OrderEvent>;
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly runtime: EventSourcingRuntime,
    @Inject(ORDERS_SETTINGS) private readonly settings: OrdersSettings,
  ) {
    this.orders = runtime.repository(OrderAggregate);
  }

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
    return this.runtime.dataSource.transaction(async (lock) => {
      const [{ locked }] = await lock.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [
        SCHEDULER_LOCK_KEY,
      ]);
      if (!locked) return null;
      const paymentDue = new Date(now.getTime() - this.settings.paymentTimeoutMs);
      const windowClosed = new Date(now.getTime() - this.settings.returnWindowMs);
      const cancelled = await this.moveOn(
        `SELECT order_id, version FROM orders_view WHERE status = 'CONFIRMED' AND confirmed_at <= $1
         ORDER BY confirmed_at LIMIT ${BATCH}`,
        paymentDue,
        expirePayment,
        'payment_timeout',
      );
      const completed = await this.moveOn(
        `SELECT order_id, version FROM orders_view WHERE status = 'DELIVERED' AND delivered_at <= $1
         ORDER BY delivered_at LIMIT ${BATCH}`,
        windowClosed,
        closeReturnWindow,
        'return_window',
      );
      return { cancelled, completed };
    });
  }

  private async moveOn(
    select: string,
    before: Date,
    decide: (state: OrderState) => OrderEvent[],
    kind: string,
  ): Promise<number> {
    const due: { order_id: string; version: number }[] = await this.runtime.dataSource.query(select, [
      before,
    ]);
    let moved = 0;
    for (const row of due) {
      if (this.stopped) break;
      try {
        const result = await this.orders.execute(
          row.order_id,
          decide,
          { correlationId: uuidv7(), causationId: null },
          {
            expectedVersion: row.version,
          },
        );
        if (result.events.length > 0) {
          moved++;
          timeoutsCounter().inc({ kind });
        }
      } catch (error) {
        // The order changed since the read model was read (paid, cancelled...): the next sweep decides again.
        if (!(error instanceof StreamVersionConflictError)) throw error;
      }
    }
    return moved;
  }
}
