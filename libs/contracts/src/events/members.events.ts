import { Type } from '@sinclair/typebox';
import { Topics } from '../topics';
import { Id, Money } from './common.schemas';
import { defineEvent, EventUnion } from './define-event';

const topic = Topics.members;
const aggregateType = 'Member';

export const Role = Type.Union([Type.Literal('customer'), Type.Literal('operator'), Type.Literal('admin')]);
export const Tier = Type.Union([Type.Literal('SILVER'), Type.Literal('GOLD'), Type.Literal('BLACK')]);
/** Names of profile fields that can change; events carry the names only, never the values. */
export const ProfileField = Type.Union([
  Type.Literal('displayName'),
  Type.Literal('phone'),
  Type.Literal('email'),
]);

export const MembersEvents = {
  MemberRegistered: defineEvent({
    type: 'MemberRegistered',
    version: 1,
    topic,
    aggregateType,
    description:
      'A member registered (or the first admin was seeded). Carries no personal data: the member is named by id.',
    schema: Type.Object(
      { memberId: Id, roles: Type.Array(Role, { minItems: 1, uniqueItems: true }), tier: Tier },
      { additionalProperties: false },
    ),
  }),
  MemberProfileChanged: defineEvent({
    type: 'MemberProfileChanged',
    version: 1,
    topic,
    aggregateType,
    description:
      'Profile fields of a member changed; lists the names of the changed fields, never their values.',
    schema: Type.Object(
      { memberId: Id, changedFields: Type.Array(ProfileField, { minItems: 1, uniqueItems: true }) },
      { additionalProperties: false },
    ),
  }),
  MemberRolesChanged: defineEvent({
    type: 'MemberRolesChanged',
    version: 1,
    topic,
    aggregateType,
    description: 'An admin replaced the roles of a member.',
    schema: Type.Object(
      {
        memberId: Id,
        roles: Type.Array(Role, { uniqueItems: true }),
        previousRoles: Type.Array(Role, { uniqueItems: true }),
      },
      { additionalProperties: false },
    ),
  }),
  MemberTierChanged: defineEvent({
    type: 'MemberTierChanged',
    version: 1,
    topic,
    aggregateType,
    description: 'The tier of a member moved up or down with the 12-month net spend.',
    schema: Type.Object(
      { memberId: Id, tier: Tier, previousTier: Tier, netSpend12m: Money },
      { additionalProperties: false },
    ),
  }),
  PointsEarned: defineEvent({
    type: 'PointsEarned',
    version: 1,
    topic,
    aggregateType,
    description:
      'Points were credited for a paid order (1 point per 1.00 paid); balance is after the credit.',
    schema: Type.Object(
      {
        memberId: Id,
        orderId: Id,
        points: Type.Integer({ minimum: 1 }),
        balance: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
  }),
  PointsReversed: defineEvent({
    type: 'PointsReversed',
    version: 1,
    topic,
    aggregateType,
    description:
      'Points earned on an order were taken back after a refund; balance is after the reversal, never below 0.',
    schema: Type.Object(
      {
        memberId: Id,
        orderId: Id,
        refundId: Id,
        points: Type.Integer({ minimum: 1 }),
        balance: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
  }),
  MemberImported: defineEvent({
    type: 'MemberImported',
    version: 1,
    topic,
    aggregateType,
    description:
      "A member first seen in an imported order history. Named by id and the source platform's customer id " +
      '(customerRef, an opaque id, never an email or phone); the same customerRef always maps to the same memberId. ' +
      'Such a member has no login until an operator or the member sets one up.',
    schema: Type.Object(
      {
        memberId: Id,
        customerRef: Type.String({
          minLength: 1,
          maxLength: 64,
          description: 'customer id on the source platform',
        }),
        roles: Type.Array(Role, { minItems: 1, uniqueItems: true }),
        tier: Tier,
      },
      { additionalProperties: false },
    ),
  }),
} as const;

export type MembersEvent = EventUnion<typeof MembersEvents>;
