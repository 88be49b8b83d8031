import { ConflictError, SqlExecutor } from '@ecom/event-sourcing';
import type { MemberRole } from '../domain/member.aggregate';

export interface NewAccount {
  memberId: string;
  email: string;
  passwordHash: string;
  displayName: string;
  phone: string | null;
}

export interface Credentials {
  memberId: string;
  passwordHash: string;
  roles: MemberRole[];
}

export interface Profile {
  displayName: string;
  phone: string | null;
}

const UNIQUE_VIOLATION = '23505';

/** Case-insensitive, as the unique index compares them. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The member_accounts table: the only place email, phone, display name and the password hash live.
 * Every write runs in the transaction that appends the member's event, so the two never disagree.
 */
export const MemberAccounts = {
  async insert(tx: SqlExecutor, account: NewAccount): Promise<void> {
    try {
      await tx.query(
        `INSERT INTO member_accounts (member_id, email, password_hash, display_name, phone) VALUES ($1, $2, $3, $4, $5)`,
        [account.memberId, account.email.trim(), account.passwordHash, account.displayName, account.phone],
      );
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code === UNIQUE_VIOLATION && constraint === 'member_accounts_email_key') {
        throw new ConflictError('email is already registered', 'EMAIL_TAKEN', { field: 'email' });
      }
      throw error;
    }
  },

  /** Credentials and current roles for a login; null for an unknown email. */
  async credentialsByEmail(sql: SqlExecutor, email: string): Promise<Credentials | null> {
    const rows: { member_id: string; password_hash: string; roles: MemberRole[] | null }[] = await sql.query(
      `SELECT a.member_id, a.password_hash, s.roles
         FROM member_accounts a LEFT JOIN member_summaries s ON s.member_id = a.member_id
        WHERE lower(a.email) = $1`,
      [normalizeEmail(email)],
    );
    if (rows.length === 0) return null;
    return { memberId: rows[0].member_id, passwordHash: rows[0].password_hash, roles: rows[0].roles ?? [] };
  },

  /** The profile, row-locked until the transaction ends (profile changes serialise per member). */
  async profileForUpdate(tx: SqlExecutor, memberId: string): Promise<Profile | null> {
    const rows: { display_name: string; phone: string | null }[] = await tx.query(
      `SELECT display_name, phone FROM member_accounts WHERE member_id = $1 FOR UPDATE`,
      [memberId],
    );
    return rows.length ? { displayName: rows[0].display_name, phone: rows[0].phone } : null;
  },

  async updateProfile(tx: SqlExecutor, memberId: string, profile: Profile): Promise<void> {
    await tx.query(
      `UPDATE member_accounts SET display_name = $2, phone = $3, updated_at = now() WHERE member_id = $1`,
      [memberId, profile.displayName, profile.phone],
    );
  },

  /** Replaces a hash only if it is still the one that was verified (a concurrent change wins). */
  async replacePasswordHash(
    sql: SqlExecutor,
    memberId: string,
    previous: string,
    next: string,
  ): Promise<void> {
    await sql.query(
      `UPDATE member_accounts SET password_hash = $3, updated_at = now() WHERE member_id = $1 AND password_hash = $2`,
      [memberId, previous, next],
    );
  },
};
