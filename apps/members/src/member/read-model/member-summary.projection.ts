import type { EnvelopeOf } from '@ecom/contracts';
import type { InlineProjection, SqlExecutor } from '@ecom/event-sourcing';

type SummaryEvent = EnvelopeOf<
  | 'MemberRegistered'
  | 'MemberImported'
  | 'MemberRolesChanged'
  | 'MemberTierChanged'
  | 'PointsEarned'
  | 'PointsReversed'
>;

/**
 * member_summaries: roles, tier and points of each member, written in the transaction of the append
 * and rebuildable from the Member events alone (every column comes from an event). A member from an
 * imported order history has a row here (with its customerRef) but no member_accounts row: no email,
 * no password, so no login.
 */
export class MemberSummaryProjection implements InlineProjection<SummaryEvent> {
  readonly name = 'member_summaries';
  readonly handles = [
    'MemberRegistered',
    'MemberImported',
    'MemberRolesChanged',
    'MemberTierChanged',
    'PointsEarned',
    'PointsReversed',
  ] as const;

  async apply(sql: SqlExecutor, events: SummaryEvent[]): Promise<void> {
    for (const event of events) {
      switch (event.type) {
        case 'MemberRegistered': {
          const { data, occurredAt } = event;
          await sql.query(
            `INSERT INTO member_summaries (member_id, roles, tier, points, registered_at, updated_at)
             VALUES ($1, $2, $3, 0, $4, $4)
             ON CONFLICT (member_id) DO UPDATE SET roles = EXCLUDED.roles, tier = EXCLUDED.tier, points = 0,
               registered_at = EXCLUDED.registered_at, updated_at = EXCLUDED.updated_at`,
            [data.memberId, data.roles, data.tier, occurredAt],
          );
          break;
        }
        case 'MemberImported': {
          const { data, occurredAt } = event;
          // registered_at: when the import brought the member here (the old platform's date is unknown).
          await sql.query(
            `INSERT INTO member_summaries (member_id, roles, tier, points, registered_at, updated_at, customer_ref)
             VALUES ($1, $2, $3, 0, $4, $4, $5)
             ON CONFLICT (member_id) DO UPDATE SET roles = EXCLUDED.roles, tier = EXCLUDED.tier, points = 0,
               registered_at = EXCLUDED.registered_at, updated_at = EXCLUDED.updated_at,
               customer_ref = EXCLUDED.customer_ref`,
            [data.memberId, data.roles, data.tier, occurredAt, data.customerRef],
          );
          break;
        }
        case 'MemberRolesChanged': {
          const { data, occurredAt } = event;
          await this.update(sql, data.memberId, 'roles', data.roles, occurredAt);
          break;
        }
        case 'MemberTierChanged': {
          const { data, occurredAt } = event;
          await this.update(sql, data.memberId, 'tier', data.tier, occurredAt);
          break;
        }
        case 'PointsEarned':
        case 'PointsReversed': {
          const { data, occurredAt } = event;
          await this.update(sql, data.memberId, 'points', data.balance, occurredAt);
          break;
        }
      }
    }
  }

  private async update(
    sql: SqlExecutor,
    memberId: string,
    column: 'roles' | 'tier' | 'points',
    value: unknown,
    at: string,
  ) {
    await sql.query(`UPDATE member_summaries SET ${column} = $2, updated_at = $3 WHERE member_id = $1`, [
      memberId,
      value,
      at,
    ]);
  }

  async reset(sql: SqlExecutor): Promise<void> {
    await sql.query(`DELETE FROM member_summaries`);
  }
}
