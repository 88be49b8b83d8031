import type { SqlExecutor } from '@ecom/event-sourcing';
import type { MemberRole, Tier } from '../domain/member.aggregate';
import type { MemberView } from './member.view';

interface MemberRow {
  member_id: string;
  email: string;
  display_name: string;
  phone: string | null;
  tier: Tier;
  points: string;
  roles: MemberRole[];
  registered_at: Date;
}

export const MemberQueries = {
  async view(sql: SqlExecutor, memberId: string): Promise<MemberView | null> {
    const rows: MemberRow[] = await sql.query(
      `SELECT a.member_id, a.email, a.display_name, a.phone, s.tier, s.points, s.roles, s.registered_at
         FROM member_accounts a JOIN member_summaries s ON s.member_id = a.member_id
        WHERE a.member_id = $1`,
      [memberId],
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      id: row.member_id,
      email: row.email,
      displayName: row.display_name,
      phone: row.phone,
      tier: row.tier,
      points: Number(row.points),
      roles: row.roles,
      registeredAt: row.registered_at.toISOString(),
    };
  },
};
