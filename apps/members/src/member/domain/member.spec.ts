import { createEventSchemaRegistry } from '@ecom/contracts';
import {
  BusinessRuleError,
  ConflictError,
  foldEvents,
  InvalidCommandError,
  NotFoundError,
} from '@ecom/event-sourcing/domain';
import fc from 'fast-check';
import { initialMemberState, MemberAggregate, MemberEvent, MemberState } from './member.aggregate';
import {
  changeProfile,
  changeRoles,
  normalizeRoles,
  recordOrderImported,
  recordOrderPaid,
  recordRefund,
  registerMember,
  reviewTier,
} from './member.decisions';
import { DEFAULT_TIER_THRESHOLDS, pointsForAmount, tierForNetSpend } from './tier-policy';

const T = DEFAULT_TIER_THRESHOLDS;
const registry = createEventSchemaRegistry();

/** Applies a decision and returns the new state; every decided event must match its published schema. */
function apply(state: MemberState, events: MemberEvent[]): MemberState {
  for (const event of events) registry.validateData(event.type, 1, event.data);
  return foldEvents(MemberAggregate, events, state);
}

const registered = (roles = ['customer']) =>
  apply(initialMemberState, registerMember(initialMemberState, { memberId: 'm1', roles }));

describe('Member aggregate', () => {
  it('registers once, as SILVER with the given roles in canonical order, carrying no personal data', () => {
    const events = registerMember(initialMemberState, {
      memberId: 'm1',
      roles: ['admin', 'customer', 'admin'],
    });
    expect(events).toEqual([
      { type: 'MemberRegistered', data: { memberId: 'm1', roles: ['customer', 'admin'], tier: 'SILVER' } },
    ]);
    const state = apply(initialMemberState, events);
    expect(state).toMatchObject({ id: 'm1', roles: ['customer', 'admin'], tier: 'SILVER', points: 0 });
    expect(() => registerMember(state, { memberId: 'm1', roles: ['customer'] })).toThrow(ConflictError);
  });

  it('refuses unknown or empty roles', () => {
    expect(() => normalizeRoles(['customer', 'root'])).toThrow(InvalidCommandError);
    expect(() => normalizeRoles([])).toThrow(/at least one role/);
  });

  it('refuses commands on a member that does not exist', () => {
    expect(() => changeRoles(initialMemberState, { memberId: 'x', roles: ['admin'], actorId: 'a' })).toThrow(
      NotFoundError,
    );
    expect(() => changeProfile(initialMemberState, { changedFields: ['phone'] })).toThrow(NotFoundError);
    expect(() =>
      recordOrderPaid(initialMemberState, {
        memberId: 'x',
        orderId: 'o',
        amount: 100,
        netSpend12m: 100,
        thresholds: T,
      }),
    ).toThrow(/member x not found/);
  });

  it('names changed profile fields only, and decides nothing when nothing changed', () => {
    const state = registered();
    expect(changeProfile(state, { changedFields: ['phone', 'displayName', 'phone'] })).toEqual([
      { type: 'MemberProfileChanged', data: { memberId: 'm1', changedFields: ['phone', 'displayName'] } },
    ]);
    expect(changeProfile(state, { changedFields: [] })).toEqual([]);
  });

  it('replaces roles with the previous ones recorded, ignores a no-op, and keeps an admin from demoting themself', () => {
    const state = registered(['admin']);
    const events = changeRoles(state, {
      memberId: 'm1',
      roles: ['operator', 'customer'],
      actorId: 'other-admin',
    });
    expect(events).toEqual([
      {
        type: 'MemberRolesChanged',
        data: { memberId: 'm1', roles: ['customer', 'operator'], previousRoles: ['admin'] },
      },
    ]);
    expect(apply(state, events).roles).toEqual(['customer', 'operator']);
    expect(changeRoles(state, { memberId: 'm1', roles: ['admin'], actorId: 'other-admin' })).toEqual([]);
    expect(() => changeRoles(state, { memberId: 'm1', roles: ['customer'], actorId: 'm1' })).toThrow(
      BusinessRuleError,
    );
  });

  it('earns 1 point per 1.00 paid once per order, and moves up to GOLD when the net spend crosses 5,000.00', () => {
    let state = registered();
    const first = recordOrderPaid(state, {
      memberId: 'm1',
      orderId: 'o1',
      amount: 450_099,
      netSpend12m: 450_099,
      thresholds: T,
    });
    expect(first).toEqual([
      { type: 'PointsEarned', data: { memberId: 'm1', orderId: 'o1', points: 4500, balance: 4500 } },
    ]);
    state = apply(state, first);
    const second = recordOrderPaid(state, {
      memberId: 'm1',
      orderId: 'o2',
      amount: 50_000,
      netSpend12m: 500_099,
      thresholds: T,
    });
    expect(second).toEqual([
      { type: 'PointsEarned', data: { memberId: 'm1', orderId: 'o2', points: 500, balance: 5000 } },
      {
        type: 'MemberTierChanged',
        data: { memberId: 'm1', tier: 'GOLD', previousTier: 'SILVER', netSpend12m: 500_099 },
      },
    ]);
    state = apply(state, second);
    expect(state).toMatchObject({ tier: 'GOLD', points: 5000 });
    // The same order paid again (a redelivery that got past the consumer) earns nothing more.
    expect(
      recordOrderPaid(state, {
        memberId: 'm1',
        orderId: 'o2',
        amount: 50_000,
        netSpend12m: 500_099,
        thresholds: T,
      }),
    ).toEqual([]);
    // Less than 1.00 earns no point but still counts for the tier.
    expect(
      recordOrderPaid(state, {
        memberId: 'm1',
        orderId: 'o3',
        amount: 99,
        netSpend12m: 5_000_000,
        thresholds: T,
      }),
    ).toEqual([
      {
        type: 'MemberTierChanged',
        data: { memberId: 'm1', tier: 'BLACK', previousTier: 'GOLD', netSpend12m: 5_000_000 },
      },
    ]);
  });

  it('reverses the points of a refund and drops back to SILVER when the net spend falls below the threshold', () => {
    let state = registered();
    state = apply(
      state,
      recordOrderPaid(state, {
        memberId: 'm1',
        orderId: 'o1',
        amount: 600_000,
        netSpend12m: 600_000,
        thresholds: T,
      }),
    );
    expect(state).toMatchObject({ tier: 'GOLD', points: 6000 });
    const refund = recordRefund(state, {
      memberId: 'm1',
      orderId: 'o1',
      refundId: 'r1',
      orderPaid: 600_000,
      orderRefunded: 200_000,
      netSpend12m: 400_000,
      thresholds: T,
    });
    expect(refund).toEqual([
      {
        type: 'PointsReversed',
        data: { memberId: 'm1', orderId: 'o1', refundId: 'r1', points: 2000, balance: 4000 },
      },
      {
        type: 'MemberTierChanged',
        data: { memberId: 'm1', tier: 'SILVER', previousTier: 'GOLD', netSpend12m: 400_000 },
      },
    ]);
    state = apply(state, refund);
    // The same refund again reverses nothing more.
    expect(
      recordRefund(state, {
        memberId: 'm1',
        orderId: 'o1',
        refundId: 'r1',
        orderPaid: 600_000,
        orderRefunded: 200_000,
        netSpend12m: 400_000,
        thresholds: T,
      }),
    ).toEqual([]);
  });

  it('reverses nothing for an order that earned nothing here', () => {
    const state = registered();
    expect(
      recordRefund(state, {
        memberId: 'm1',
        orderId: 'unknown',
        refundId: 'r',
        orderPaid: 0,
        orderRefunded: 500,
        netSpend12m: 0,
        thresholds: T,
      }),
    ).toEqual([]);
  });

  it('drops the tier on review when spend leaves the window', () => {
    let state = registered();
    state = apply(
      state,
      recordOrderPaid(state, {
        memberId: 'm1',
        orderId: 'o1',
        amount: 5_000_000,
        netSpend12m: 5_000_000,
        thresholds: T,
      }),
    );
    expect(state.tier).toBe('BLACK');
    expect(reviewTier(state, { netSpend12m: 5_000_000, thresholds: T })).toEqual([]);
    expect(reviewTier(state, { netSpend12m: 0, thresholds: T })).toEqual([
      {
        type: 'MemberTierChanged',
        data: { memberId: 'm1', tier: 'SILVER', previousTier: 'BLACK', netSpend12m: 0 },
      },
    ]);
  });

  describe('orders from an imported order history', () => {
    const imported = (state: MemberState, netSpend12m: number) =>
      recordOrderImported(state, { memberId: 'c1', customerRef: 'C-77', netSpend12m, thresholds: T });

    it('creates an unknown member once, as a SILVER customer without points, and sets its tier from the imported spend', () => {
      const first = imported(initialMemberState, 550_000);
      expect(first).toEqual([
        {
          type: 'MemberImported',
          data: { memberId: 'c1', customerRef: 'C-77', roles: ['customer'], tier: 'SILVER' },
        },
        {
          type: 'MemberTierChanged',
          data: { memberId: 'c1', tier: 'GOLD', previousTier: 'SILVER', netSpend12m: 550_000 },
        },
      ]);
      const state = apply(initialMemberState, first);
      expect(state).toMatchObject({ id: 'c1', roles: ['customer'], tier: 'GOLD', points: 0, orders: {} });
      // The customer's second order: the member exists, only the tier may move; never points.
      expect(imported(state, 600_000)).toEqual([]);
      expect(imported(state, 5_000_000)).toEqual([
        {
          type: 'MemberTierChanged',
          data: { memberId: 'c1', tier: 'BLACK', previousTier: 'GOLD', netSpend12m: 5_000_000 },
        },
      ]);
    });

    it('creates the member of an order never paid, at SILVER', () => {
      expect(imported(initialMemberState, 0).map((e) => e.type)).toEqual(['MemberImported']);
    });

    it('records an imported order of a member known here without creating it again', () => {
      expect(
        recordOrderImported(registered(), {
          memberId: 'm1',
          customerRef: 'C-1',
          netSpend12m: 0,
          thresholds: T,
        }),
      ).toEqual([]);
    });
  });

  it('maps net spend to tiers at the thresholds and counts whole units as points', () => {
    expect(tierForNetSpend(499_999, T)).toBe('SILVER');
    expect(tierForNetSpend(500_000, T)).toBe('GOLD');
    expect(tierForNetSpend(4_999_999, T)).toBe('GOLD');
    expect(tierForNetSpend(5_000_000, T)).toBe('BLACK');
    expect(tierForNetSpend(-10, T)).toBe('SILVER');
    expect(tierForNetSpend(1000, { gold: 1000, black: 2000 })).toBe('GOLD');
    expect([
      pointsForAmount(0),
      pointsForAmount(99),
      pointsForAmount(100),
      pointsForAmount(1999),
      pointsForAmount(-500),
    ]).toEqual([0, 0, 1, 19, 0]);
  });

  describe('properties', () => {
    type Step =
      | { kind: 'pay'; order: number; amount: number }
      | { kind: 'refund'; order: number; amount: number; refund: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        kind: fc.constant('pay' as const),
        order: fc.integer({ min: 0, max: 4 }),
        amount: fc.integer({ min: 0, max: 3_000_000 }),
      }),
      fc.record({
        kind: fc.constant('refund' as const),
        order: fc.integer({ min: 0, max: 4 }),
        amount: fc.integer({ min: 1, max: 3_000_000 }),
        refund: fc.integer({ min: 0, max: 6 }),
      }),
    );

    /** Replays payments and refunds the way the consumer does: a spend ledger beside the aggregate. */
    function run(steps: Step[]) {
      let state = registered();
      const paid = new Map<string, number>();
      const refunded = new Map<string, number>();
      const seenRefunds = new Set<string>();
      const net = () =>
        [...paid.keys()].reduce((sum, o) => sum + Math.max(0, paid.get(o)! - (refunded.get(o) ?? 0)), 0);
      for (const s of steps) {
        const orderId = `o${s.order}`;
        if (s.kind === 'pay') {
          if (paid.has(orderId)) continue; // an order is paid once; the ledger ignores a second payment
          paid.set(orderId, s.amount);
          const orderRefunded = refunded.get(orderId) ?? 0;
          state = apply(
            state,
            recordOrderPaid(state, {
              memberId: 'm1',
              orderId,
              amount: s.amount,
              orderRefunded,
              netSpend12m: net(),
              thresholds: T,
            }),
          );
        } else {
          const refundId = `${orderId}-r${s.refund}`;
          if (seenRefunds.has(refundId)) continue;
          seenRefunds.add(refundId);
          refunded.set(orderId, (refunded.get(orderId) ?? 0) + s.amount);
          state = apply(
            state,
            recordRefund(state, {
              memberId: 'm1',
              orderId,
              refundId,
              orderPaid: paid.get(orderId) ?? 0,
              orderRefunded: refunded.get(orderId)!,
              netSpend12m: net(),
              thresholds: T,
            }),
          );
        }
      }
      return { state, paid, refunded, net: net() };
    }

    it('keeps the balance equal to the points of what is still paid, per order, and the tier equal to the policy', () => {
      fc.assert(
        fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
          const { state, paid, refunded, net } = run(steps);
          expect(state.points).toBeGreaterThanOrEqual(0);
          let expectedBalance = 0;
          for (const [orderId, amount] of paid) {
            const keep = pointsForAmount(Math.max(0, amount - (refunded.get(orderId) ?? 0)));
            expect(state.orders[orderId]?.points ?? 0).toBe(keep);
            expectedBalance += keep;
          }
          expect(state.points).toBe(expectedBalance);
          expect(state.tier).toBe(tierForNetSpend(net, T));
        }),
        { numRuns: 300 },
      );
    });

    it('decides nothing when the last payment or refund is decided again (redelivery)', () => {
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 20 }), (steps) => {
          const { state, paid, refunded, net } = run(steps);
          for (const [orderId, amount] of paid) {
            const orderRefunded = refunded.get(orderId) ?? 0;
            expect(
              recordOrderPaid(state, {
                memberId: 'm1',
                orderId,
                amount,
                orderRefunded,
                netSpend12m: net,
                thresholds: T,
              }),
            ).toEqual([]);
          }
          for (const [orderId, order] of Object.entries(state.orders)) {
            for (const refundId of order.reversedRefunds) {
              const decided = recordRefund(state, {
                memberId: 'm1',
                orderId,
                refundId,
                orderPaid: paid.get(orderId) ?? 0,
                orderRefunded: refunded.get(orderId) ?? 0,
                netSpend12m: net,
                thresholds: T,
              });
              expect(decided).toEqual([]);
            }
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});
