import type { MembersEvent } from '@ecom/contracts';
import type { AggregateDefinition } from '@ecom/event-sourcing/domain';

export const MEMBER_ROLES = ['customer', 'operator', 'admin'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** Tiers from the lowest up (docs/contract.md section 6). */
export const TIERS = ['SILVER', 'GOLD', 'BLACK'] as const;
export type Tier = (typeof TIERS)[number];

export type MemberEvent = MembersEvent;

/** Points a member holds for one paid order, and the refunds already reversed against it. */
export interface OrderPoints {
  points: number;
  reversedRefunds: string[];
}

/**
 * A member as its events make it. Personal data (email, phone, display name) and the password hash
 * are not here and not in the events: they live in the members database only (member_accounts).
 */
export interface MemberState {
  /** null until MemberRegistered (or MemberImported, for a member first seen in an imported order history). */
  id: string | null;
  roles: MemberRole[];
  tier: Tier;
  points: number;
  /** Per paid order: the points it still holds; refunds take back from here. */
  orders: Record<string, OrderPoints>;
}

export const initialMemberState: MemberState = { id: null, roles: [], tier: 'SILVER', points: 0, orders: {} };

export function evolveMember(state: MemberState, event: MemberEvent): MemberState {
  switch (event.type) {
    case 'MemberRegistered':
    case 'MemberImported':
      return { ...state, id: event.data.memberId, roles: [...event.data.roles], tier: event.data.tier };
    case 'MemberProfileChanged':
      return state;
    case 'MemberRolesChanged':
      return { ...state, roles: [...event.data.roles] };
    case 'MemberTierChanged':
      return { ...state, tier: event.data.tier };
    case 'PointsEarned': {
      const held = state.orders[event.data.orderId] ?? { points: 0, reversedRefunds: [] };
      return {
        ...state,
        points: state.points + event.data.points,
        orders: {
          ...state.orders,
          [event.data.orderId]: { ...held, points: held.points + event.data.points },
        },
      };
    }
    case 'PointsReversed': {
      const held = state.orders[event.data.orderId] ?? { points: 0, reversedRefunds: [] };
      return {
        ...state,
        points: Math.max(0, state.points - event.data.points),
        orders: {
          ...state.orders,
          [event.data.orderId]: {
            points: Math.max(0, held.points - event.data.points),
            reversedRefunds: [...held.reversedRefunds, event.data.refundId],
          },
        },
      };
    }
    default: {
      // Does not compile when a Member event type has no case here.
      const unhandled: never = event;
      return unhandled;
    }
  }
}

export const MemberAggregate: AggregateDefinition<MemberState, MemberEvent> = {
  type: 'Member',
  initialState: initialMemberState,
  evolve: evolveMember,
  // A busy shopper's stream grows by a few events per order; snapshots keep loads short.
  snapshotEvery: 100,
  snapshotSchemaVersion: 1,
};
