import {
  BusinessRuleError,
  ConflictError,
  InvalidCommandError,
  NotFoundError,
} from '@ecom/event-sourcing/domain';
import { evolveMember, MEMBER_ROLES, MemberEvent, MemberRole, MemberState } from './member.aggregate';
import { pointsForAmount, tierForNetSpend, TierThresholds } from './tier-policy';

export type ProfileField = 'displayName' | 'phone' | 'email';

/** Roles in their canonical order (customer, operator, admin), without duplicates. */
export function normalizeRoles(roles: readonly string[]): MemberRole[] {
  const unknown = roles.filter((role) => !MEMBER_ROLES.includes(role as MemberRole));
  if (unknown.length > 0)
    throw new InvalidCommandError(`roles: unknown role ${unknown.join(', ')}`, 'UNKNOWN_ROLE');
  const normalized = MEMBER_ROLES.filter((role) => roles.includes(role));
  if (normalized.length === 0) throw new InvalidCommandError('roles must name at least one role', 'NO_ROLES');
  return normalized;
}

function registered(state: MemberState, memberId?: string): string {
  if (!state.id)
    throw new NotFoundError(
      memberId ? `member ${memberId} not found` : 'member not found',
      'MEMBER_NOT_FOUND',
    );
  return state.id;
}

export function registerMember(
  state: MemberState,
  command: { memberId: string; roles: readonly string[] },
): MemberEvent[] {
  if (state.id) throw new ConflictError(`member ${state.id} is already registered`, 'MEMBER_EXISTS');
  return [
    {
      type: 'MemberRegistered',
      data: { memberId: command.memberId, roles: normalizeRoles(command.roles), tier: 'SILVER' },
    },
  ];
}

/** The handler compares the stored profile with the request; the event names the fields only. */
export function changeProfile(
  state: MemberState,
  command: { changedFields: readonly ProfileField[] },
): MemberEvent[] {
  const memberId = registered(state);
  const fields = [...new Set(command.changedFields)];
  if (fields.length === 0) return [];
  return [{ type: 'MemberProfileChanged', data: { memberId, changedFields: fields } }];
}

export function changeRoles(
  state: MemberState,
  command: { memberId: string; roles: readonly string[]; actorId: string },
): MemberEvent[] {
  const memberId = registered(state, command.memberId);
  const roles = normalizeRoles(command.roles);
  if (command.actorId === memberId && state.roles.includes('admin') && !roles.includes('admin')) {
    // Keeps the shop from locking itself out of its back office.
    throw new BusinessRuleError('an admin cannot remove their own admin role', 'SELF_DEMOTION');
  }
  const same = roles.length === state.roles.length && roles.every((role) => state.roles.includes(role));
  if (same) return [];
  return [{ type: 'MemberRolesChanged', data: { memberId, roles, previousRoles: [...state.roles] } }];
}

function tierChange(
  state: MemberState,
  memberId: string,
  netSpend12m: number,
  thresholds: TierThresholds,
): MemberEvent[] {
  const tier = tierForNetSpend(netSpend12m, thresholds);
  if (tier === state.tier) return [];
  return [{ type: 'MemberTierChanged', data: { memberId, tier, previousTier: state.tier, netSpend12m } }];
}

/**
 * An order of this member was paid: 1 point per 1.00 (once per order), and the tier follows the
 * 12-month net spend, which the caller computed from its spend records including this payment.
 * A refund recorded before the payment (not expected, as one order's events stay in order) lowers
 * the points earned instead of being lost.
 */
export function recordOrderPaid(
  state: MemberState,
  command: {
    memberId: string;
    orderId: string;
    amount: number;
    orderRefunded?: number;
    netSpend12m: number;
    thresholds: TierThresholds;
  },
): MemberEvent[] {
  const memberId = registered(state, command.memberId);
  const events: MemberEvent[] = [];
  const points = pointsForAmount(command.amount - (command.orderRefunded ?? 0));
  if (!state.orders[command.orderId] && points > 0) {
    events.push({
      type: 'PointsEarned',
      data: { memberId, orderId: command.orderId, points, balance: state.points + points },
    });
  }
  return [...events, ...tierChange(state, memberId, command.netSpend12m, command.thresholds)];
}

/**
 * Money of an order went back to the member. The order keeps the points of what is still paid on
 * it (floor((paid - refunded) / 1.00)); the rest is reversed, never below a zero balance. Several
 * partial refunds of one order therefore reverse exactly what one full refund would.
 */
export function recordRefund(
  state: MemberState,
  command: {
    memberId: string;
    orderId: string;
    refundId: string;
    /** What was paid for the order (0 if the payment is unknown here). */
    orderPaid: number;
    /** Everything refunded on the order, this refund included. */
    orderRefunded: number;
    netSpend12m: number;
    thresholds: TierThresholds;
  },
): MemberEvent[] {
  const memberId = registered(state, command.memberId);
  const events: MemberEvent[] = [];
  const held = state.orders[command.orderId];
  if (held && !held.reversedRefunds.includes(command.refundId)) {
    const keep = pointsForAmount(Math.max(0, command.orderPaid - command.orderRefunded));
    const reverse = Math.min(held.points - keep, state.points);
    if (reverse > 0) {
      events.push({
        type: 'PointsReversed',
        data: {
          memberId,
          orderId: command.orderId,
          refundId: command.refundId,
          points: reverse,
          balance: state.points - reverse,
        },
      });
    }
  }
  return [...events, ...tierChange(state, memberId, command.netSpend12m, command.thresholds)];
}

/**
 * An order from an imported order history names this member. A member not known here comes into
 * being as a SILVER customer without a login (MemberImported); either way the tier follows the
 * 12-month net spend, which the caller computed with the order's payment and refunds at their
 * original dates. Imported orders earn no points: balances from the old platform are migrated
 * separately, and points for the same purchases here would count them twice.
 */
export function recordOrderImported(
  state: MemberState,
  command: { memberId: string; customerRef: string; netSpend12m: number; thresholds: TierThresholds },
): MemberEvent[] {
  const events: MemberEvent[] = [];
  let current = state;
  if (!state.id) {
    const imported: MemberEvent = {
      type: 'MemberImported',
      data: {
        memberId: command.memberId,
        customerRef: command.customerRef,
        roles: ['customer'],
        tier: 'SILVER',
      },
    };
    events.push(imported);
    current = evolveMember(state, imported);
  }
  return [...events, ...tierChange(current, registered(current), command.netSpend12m, command.thresholds)];
}

/** Re-evaluates the tier as old spend leaves the 12-month window (periodic review). */
export function reviewTier(
  state: MemberState,
  command: { netSpend12m: number; thresholds: TierThresholds },
): MemberEvent[] {
  const memberId = registered(state);
  return tierChange(state, memberId, command.netSpend12m, command.thresholds);
}
