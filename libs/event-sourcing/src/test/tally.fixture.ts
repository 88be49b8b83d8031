import { Type } from '@sinclair/typebox';
import { defineEvent, EventSchemaRegistry, EventUnion, Topics } from '@ecom/contracts';
import { AggregateDefinition, BusinessRuleError, DomainEvent } from '../index';

/** A tiny aggregate used only by the library's own tests: a tally that can be increased. */
export const TallyEvents = {
  TallyIncreased: defineEvent({
    type: 'TallyIncreased',
    version: 1,
    topic: Topics.catalog,
    aggregateType: 'Tally',
    description: 'test event',
    schema: Type.Object(
      { tallyId: Type.String(), by: Type.Integer({ minimum: 1 }) },
      { additionalProperties: false },
    ),
  }),
} as const;

export type TallyEvent = EventUnion<typeof TallyEvents> & DomainEvent;

export interface TallyState {
  total: number;
  increments: number;
}

export const TallyAggregate: AggregateDefinition<TallyState, TallyEvent> = {
  type: 'Tally',
  initialState: { total: 0, increments: 0 },
  evolve: (state, event) => ({ total: state.total + event.data.by, increments: state.increments + 1 }),
  snapshotEvery: 5,
};

export function increase(tallyId: string, by: number, state: TallyState, limit = Infinity): TallyEvent[] {
  if (state.total + by > limit) throw new BusinessRuleError(`tally would exceed ${limit}`);
  return [{ type: 'TallyIncreased', data: { tallyId, by } }];
}

export function tallyRegistry(): EventSchemaRegistry {
  return new EventSchemaRegistry([TallyEvents]);
}
