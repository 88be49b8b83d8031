import { MigrationInterface, QueryRunner } from 'typeorm';
import { ImportedMembers1765300000000 } from './1765300000000-imported-members';

/**
 * member_accounts: credentials and personal data, kept out of the event log (events name members by
 * id only), written by the command handlers in the transaction of the append. Emails are unique
 * case-insensitively (the index is what makes concurrent registrations of one email give one 201).
 * member_summaries: roles, tier and points, an inline projection of the Member events.
 * member_spend: payments and refunds per order from orders.events, for the 12-month net spend.
 */
export class CreateMemberTables1763900000000 implements MigrationInterface {
  name = 'CreateMemberTables1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE member_accounts (
        member_id     text PRIMARY KEY,
        email         text NOT NULL,
        password_hash text NOT NULL,
        display_name  text NOT NULL,
        phone         text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX member_accounts_email_key ON member_accounts (lower(email))`);
    await q.query(`
      CREATE TABLE member_summaries (
        member_id     text PRIMARY KEY,
        roles         text[] NOT NULL,
        tier          text NOT NULL,
        points        bigint NOT NULL DEFAULT 0,
        registered_at timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX member_summaries_above_silver ON member_summaries (tier) WHERE tier <> 'SILVER'`,
    );
    await q.query(`
      CREATE TABLE member_spend (
        entry_type  text NOT NULL CHECK (entry_type IN ('PAYMENT', 'REFUND')),
        entry_id    text NOT NULL,
        member_id   text NOT NULL,
        order_id    text NOT NULL,
        amount      bigint NOT NULL CHECK (amount >= 0),
        currency    text NOT NULL,
        spent_at    timestamptz NOT NULL,
        occurred_at timestamptz NOT NULL,
        event_id    uuid NOT NULL,
        PRIMARY KEY (entry_type, entry_id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX member_spend_one_payment_per_order ON member_spend (order_id) WHERE entry_type = 'PAYMENT'`,
    );
    await q.query(`CREATE INDEX member_spend_member_time ON member_spend (member_id, spent_at)`);
    await q.query(`CREATE INDEX member_spend_order ON member_spend (order_id)`);
    await q.query(
      `COMMENT ON COLUMN member_spend.spent_at IS 'when the order was paid: the 12-month window counts a refund with its order'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE member_spend`);
    await q.query(`DROP TABLE member_summaries`);
    await q.query(`DROP TABLE member_accounts`);
  }
}

export const MEMBERS_MIGRATIONS = [CreateMemberTables1763900000000, ImportedMembers1765300000000];
