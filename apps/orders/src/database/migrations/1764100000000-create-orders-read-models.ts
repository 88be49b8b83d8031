import { MigrationInterface, QueryRunner } from 'typeorm';
import { ImportedOrders1765400000000 } from './1765400000000-imported-orders';

/**
 * The orders service's own tables besides the event store:
 *  - sku_prices / catalog_products: the price and listing read model fed by catalog.events (orders never
 *    trusts a client's price);
 *  - orders_view / order_returns_view: the inline projection of the Order aggregate (GET /v1/orders, the
 *    timeout scheduler), rebuildable from the event store;
 *  - order_shipping_addresses / return_notes: personal data that never goes into an event, written in
 *    the same transaction as the event that creates the order or the return.
 */
export class CreateOrdersReadModels1764100000000 implements MigrationInterface {
  name = 'CreateOrdersReadModels1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sku_prices (
        sku          text PRIMARY KEY,
        product_id   text NOT NULL,
        price        bigint NOT NULL,
        currency     char(3) NOT NULL,
        discontinued boolean NOT NULL DEFAULT false,
        updated_at   timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX sku_prices_product ON sku_prices (product_id)`);
    await q.query(`
      CREATE TABLE catalog_products (
        product_id text PRIMARY KEY,
        listed     boolean NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE orders_view (
        order_id        text PRIMARY KEY,
        member_id       text NOT NULL,
        visitor_id      text NOT NULL,
        channel         text,
        cart_id         text,
        status          text NOT NULL,
        lines           jsonb NOT NULL,
        total           bigint NOT NULL,
        currency        char(3) NOT NULL,
        shipping_region text,
        reservation     jsonb,
        payment         jsonb,
        shipment        jsonb,
        refunded        bigint NOT NULL DEFAULT 0,
        history         jsonb NOT NULL,
        version         integer NOT NULL,
        placed_at       timestamptz NOT NULL,
        confirmed_at    timestamptz,
        delivered_at    timestamptz,
        updated_at      timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX orders_view_member ON orders_view (member_id, order_id DESC)`);
    await q.query(`CREATE INDEX orders_view_status ON orders_view (status, order_id DESC)`);
    await q.query(
      `CREATE INDEX orders_view_payment_due ON orders_view (confirmed_at) WHERE status = 'CONFIRMED'`,
    );
    await q.query(
      `CREATE INDEX orders_view_return_window ON orders_view (delivered_at) WHERE status = 'DELIVERED'`,
    );
    await q.query(`
      CREATE TABLE order_returns_view (
        return_id    text PRIMARY KEY,
        order_id     text NOT NULL,
        member_id    text NOT NULL,
        status       text NOT NULL,
        reason       text NOT NULL,
        lines        jsonb NOT NULL,
        amount       bigint NOT NULL,
        currency     char(3) NOT NULL,
        refund_id    text,
        history      jsonb NOT NULL,
        requested_at timestamptz NOT NULL,
        updated_at   timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX order_returns_view_order ON order_returns_view (order_id)`);
    await q.query(`CREATE INDEX order_returns_view_status ON order_returns_view (status, return_id DESC)`);
    await q.query(`
      CREATE TABLE order_shipping_addresses (
        order_id   text PRIMARY KEY,
        address    jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE return_notes (
        return_id  text PRIMARY KEY,
        order_id   text NOT NULL,
        note       text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'return_notes',
      'order_shipping_addresses',
      'order_returns_view',
      'orders_view',
      'catalog_products',
      'sku_prices',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}

export const ORDERS_MIGRATIONS = [CreateOrdersReadModels1764100000000, ImportedOrders1765400000000];
