import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The analytics read models (shared by the projector, which writes them, and the API, which reads
 * them). Facts are stored keyed by the ids of the events or business objects they come from and
 * written with insert-or-ignore / "earliest wins" upserts, so the end state does not depend on the
 * order events arrive in across topics; funnel, sales and matrix figures are derived from the facts
 * by the queries. Stock state is per SKU (one ordered stream on inventory.events) and drives the
 * warnings. `day` columns are calendar days in ANALYTICS_TZ, set by the projector.
 */
export class CreateAnalyticsReadModels1764100000000 implements MigrationInterface {
  name = 'CreateAnalyticsReadModels1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // --- behaviour (storefront, carts, orders): one row per event, for the funnel, UV and conversion
    await q.query(`
      CREATE TABLE an_visitor_events (
        event_id    uuid PRIMARY KEY,
        day         date NOT NULL,
        visitor_id  text NOT NULL,
        member_id   text,
        step        text NOT NULL,
        occurred_at timestamptz NOT NULL,
        channel     text,
        sku         text
      )`);
    await q.query(
      `CREATE INDEX an_visitor_events_day_step ON an_visitor_events (day, step, visitor_id, occurred_at)`,
    );
    await q.query(
      `CREATE INDEX an_visitor_events_first_touch ON an_visitor_events (day, visitor_id, occurred_at, event_id)
       WHERE channel IS NOT NULL`,
    );

    // --- orders
    await q.query(`
      CREATE TABLE an_orders_placed (
        order_id   text PRIMARY KEY,
        event_id   uuid NOT NULL,
        member_id  text NOT NULL,
        visitor_id text NOT NULL,
        channel    text,
        placed_at  timestamptz NOT NULL,
        day        date NOT NULL,
        total      bigint NOT NULL,
        currency   text NOT NULL
      )`);
    await q.query(`CREATE INDEX an_orders_placed_day ON an_orders_placed (day)`);
    await q.query(`
      CREATE TABLE an_order_lines (
        order_id   text NOT NULL,
        line_no    integer NOT NULL,
        sku        text NOT NULL,
        quantity   integer NOT NULL,
        unit_price bigint NOT NULL,
        line_total bigint NOT NULL,
        PRIMARY KEY (order_id, line_no)
      )`);
    await q.query(`CREATE INDEX an_order_lines_sku ON an_order_lines (sku)`);
    await q.query(`
      CREATE TABLE an_orders_paid (
        order_id   text PRIMARY KEY,
        event_id   uuid NOT NULL,
        member_id  text NOT NULL,
        visitor_id text NOT NULL,
        channel    text,
        paid_at    timestamptz NOT NULL,
        day        date NOT NULL,
        amount     bigint NOT NULL,
        currency   text NOT NULL,
        method     text NOT NULL,
        payment_id text NOT NULL
      )`);
    await q.query(`CREATE INDEX an_orders_paid_day ON an_orders_paid (day)`);
    await q.query(`CREATE INDEX an_orders_paid_member ON an_orders_paid (member_id, paid_at)`);
    await q.query(`
      CREATE TABLE an_refunds (
        refund_id text PRIMARY KEY,
        event_id  uuid NOT NULL,
        order_id  text NOT NULL,
        member_id text NOT NULL,
        return_id text,
        amount    bigint NOT NULL,
        currency  text NOT NULL,
        cause     text NOT NULL,
        issued_at timestamptz NOT NULL,
        day       date NOT NULL
      )`);
    await q.query(`CREATE INDEX an_refunds_order ON an_refunds (order_id)`);
    await q.query(`CREATE INDEX an_refunds_day ON an_refunds (day)`);
    // A return request; rejected_at may arrive first (a row holding only the ids until the request lands), hence the nullable request fields.
    await q.query(`
      CREATE TABLE an_returns (
        return_id    text PRIMARY KEY,
        order_id     text NOT NULL,
        member_id    text NOT NULL,
        reason       text,
        amount       bigint,
        currency     text,
        requested_at timestamptz,
        day          date,
        rejected_at  timestamptz
      )`);
    await q.query(`CREATE INDEX an_returns_day ON an_returns (day)`);
    await q.query(`
      CREATE TABLE an_return_lines (
        return_id text NOT NULL,
        line_no   integer NOT NULL,
        sku       text NOT NULL,
        quantity  integer NOT NULL,
        PRIMARY KEY (return_id, line_no)
      )`);

    // --- catalog and members (latest value per field by the stream sequence that set it)
    await q.query(`
      CREATE TABLE an_skus (
        sku          text PRIMARY KEY,
        product_id   text NOT NULL,
        price        bigint,
        price_seq    integer NOT NULL DEFAULT 0,
        cost         bigint,
        cost_seq     integer NOT NULL DEFAULT 0,
        currency     text,
        discontinued boolean NOT NULL DEFAULT false
      )`);
    await q.query(`
      CREATE TABLE an_products (
        product_id   text PRIMARY KEY,
        title        text,
        title_seq    integer NOT NULL DEFAULT 0,
        category_id  text,
        category_seq integer NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE TABLE an_members (
        member_id     text PRIMARY KEY,
        registered_at timestamptz,
        tier          text,
        tier_seq      integer NOT NULL DEFAULT 0
      )`);

    // --- stock, per SKU (the StockItem stream) and warehouse
    await q.query(`
      CREATE TABLE an_stock_items (
        sku            text PRIMARY KEY,
        on_hand        integer NOT NULL DEFAULT 0,
        reserved       integer NOT NULL DEFAULT 0,
        available      integer NOT NULL DEFAULT 0,
        stream_id      text,
        last_seq       integer NOT NULL DEFAULT 0,
        safety_stock   integer NOT NULL DEFAULT 0,
        lead_time_days integer,
        evaluated_at   timestamptz
      )`);
    await q.query(`
      CREATE TABLE an_stock_levels (
        sku       text NOT NULL,
        warehouse text NOT NULL,
        on_hand   integer NOT NULL,
        reserved  integer NOT NULL,
        available integer NOT NULL,
        PRIMARY KEY (sku, warehouse)
      )`);
    await q.query(`
      CREATE TABLE an_stock_batches (
        sku        text NOT NULL,
        warehouse  text NOT NULL,
        batch      text NOT NULL,
        expires_at timestamptz,
        quantity   integer NOT NULL,
        PRIMARY KEY (sku, warehouse, batch)
      )`);
    // Units that left stock with shipments (StockDeducted): the "units sold" of the stock warnings.
    await q.query(`
      CREATE TABLE an_stock_sales (
        event_id    uuid NOT NULL,
        sku         text NOT NULL,
        warehouse   text NOT NULL,
        occurred_at timestamptz NOT NULL,
        units       integer NOT NULL,
        PRIMARY KEY (event_id, warehouse)
      )`);
    await q.query(`CREATE INDEX an_stock_sales_sku_time ON an_stock_sales (sku, occurred_at)`);
    // Active warnings; warehouse_key is the warehouse code or '*' for the SKU over all warehouses.
    await q.query(`
      CREATE TABLE an_stock_warnings (
        type                  text NOT NULL,
        sku                   text NOT NULL,
        warehouse_key         text NOT NULL,
        warehouse             text,
        available             integer NOT NULL,
        safety_stock          integer NOT NULL,
        days_of_cover         numeric(14, 2),
        suggested_reorder_qty integer,
        details               jsonb NOT NULL DEFAULT '{}',
        since                 timestamptz NOT NULL,
        PRIMARY KEY (type, sku, warehouse_key)
      )`);

    // --- RFM, recomputed as a whole
    await q.query(`
      CREATE TABLE an_rfm_scores (
        member_id     text PRIMARY KEY,
        recency_days  integer NOT NULL,
        frequency     integer NOT NULL,
        monetary      bigint NOT NULL,
        r             smallint NOT NULL,
        f             smallint NOT NULL,
        m             smallint NOT NULL,
        segment       text NOT NULL,
        segment_code  text NOT NULL,
        sleeping      boolean NOT NULL,
        last_paid_at  timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX an_rfm_scores_segment ON an_rfm_scores (segment_code, monetary DESC, member_id)`,
    );
    await q.query(`
      CREATE TABLE an_rfm_runs (
        id          bigserial PRIMARY KEY,
        as_of       timestamptz NOT NULL,
        as_of_day   date NOT NULL,
        members     integer NOT NULL,
        duration_ms integer NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now()
      )`);

    // --- the projector: which generation (consumer group and processed-event key) is live
    await q.query(`
      CREATE TABLE an_projector_state (
        id         smallint PRIMARY KEY CHECK (id = 1),
        generation integer NOT NULL,
        rebuilt_at timestamptz
      )`);
    await q.query(`INSERT INTO an_projector_state (id, generation) VALUES (1, 1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'an_projector_state',
      'an_rfm_runs',
      'an_rfm_scores',
      'an_stock_warnings',
      'an_stock_sales',
      'an_stock_batches',
      'an_stock_levels',
      'an_stock_items',
      'an_members',
      'an_products',
      'an_skus',
      'an_return_lines',
      'an_returns',
      'an_refunds',
      'an_orders_paid',
      'an_order_lines',
      'an_orders_placed',
      'an_visitor_events',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
