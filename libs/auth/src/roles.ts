export const ROLES = ['customer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as proven by a verified access token. */
export interface AuthenticatedMember {
  id: string;
  roles: Role[];
}

// An admin may do what an operator may, and an operator what a customer may.
const RANK: Record<Role, number> = { customer: 0, operator: 1, admin: 2 };

export function hasRole(member: AuthenticatedMember | undefined, required: Role): boolean {
  return !!member && member.roles.some((role) => RANK[role] >= RANK[required]);
}

export function isBackOffice(member: AuthenticatedMember | undefined): boolean {
  return hasRole(member, 'operator');
}
