import type { SqlExecutor } from '@ecom/event-sourcing';
import type { MemberRole, Tier } from '../domain/member.aggregate';
import type { MemberView } from './member.view';

interface MemberRow {
  member_id: string;
  email: string | null;
  display_name: string | null;
  phone: string | null;
  customer_ref: string | null;
  tier: Tier;
  points: string;
  roles: MemberRole[];
  registered_at: Date;
}

export const MemberQueries = {
  async view(sql: SqlExecutor, memberId: string): Promise<MemberView | null> {
    const rows: MemberRow[] = await sql.query(
      // From the summary: a member from an imported order history has no account row (no login yet).
      `SELECT s.member_id, a.email, a.display_name, a.phone, s.customer_ref, s.tier, s.points, s.roles, s.registered_at
         FROM member_summaries s LEFT JOIN member_accounts a ON a.member_id = s.member_id
        WHERE s.member_id = $1`,
      [memberId],
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      id: row.member_id,
      email: row.email,
      displayName: row.display_name,
      phone: row.phone,
      customerRef: row.customer_ref,
      tier: row.tier,
      points: Number(row.points),
      roles: row.roles,
      registeredAt: row.registered_at.toISOString(),
    };
  },
};
