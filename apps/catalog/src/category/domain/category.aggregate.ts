import type { DomainEventOf } from '@ecom/contracts';
import type { AggregateDefinition } from '@ecom/event-sourcing/domain';

export type CategoryEvent = DomainEventOf<'CategoryCreated'>;

/** Categories form a tree of at most this many levels (1 = root). */
export const MAX_CATEGORY_DEPTH = 3;

export interface CategoryState {
  /** False until CategoryCreated. */
  exists: boolean;
  id: string | null;
  name: string;
  parentId: string | null;
  depth: number;
}

export const CategoryAggregate: AggregateDefinition<CategoryState, CategoryEvent> = {
  type: 'Category',
  initialState: { exists: false, id: null, name: '', parentId: null, depth: 0 },
  evolve(state, event) {
    switch (event.type) {
      case 'CategoryCreated':
        return {
          exists: true,
          id: event.data.categoryId,
          name: event.data.name,
          parentId: event.data.parentId,
          depth: event.data.depth,
        };
      default:
        return state;
    }
  },
};
