import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Members from an imported order history: member_summaries keeps the source platform's customer id
 * (MemberImported.customerRef; null for members who registered here). Such a member has no
 * member_accounts row (no email, no password), which is why the member view reads from the summary.
 */
export class ImportedMembers1765300000000 implements MigrationInterface {
  name = 'ImportedMembers1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE member_summaries ADD COLUMN customer_ref text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE member_summaries DROP COLUMN customer_ref`);
  }
}
