import type { DomainEventOf } from '@ecom/contracts';
import type { AggregateDefinition } from '@ecom/event-sourcing/domain';

export type WarehouseEvent = DomainEventOf<'WarehouseCreated'>;

/** A warehouse, known by its code (the aggregate id) from its creation on. */
export interface WarehouseState {
  warehouseId: string | null;
  code: string | null;
  name: string | null;
  region: string | null;
}

export const initialWarehouseState: WarehouseState = {
  warehouseId: null,
  code: null,
  name: null,
  region: null,
};

export function evolveWarehouse(_state: WarehouseState, event: WarehouseEvent): WarehouseState {
  const { warehouseId, code, name, region } = event.data;
  return { warehouseId, code, name, region };
}

export const WarehouseAggregate: AggregateDefinition<WarehouseState, WarehouseEvent> = {
  type: 'Warehouse',
  initialState: initialWarehouseState,
  evolve: evolveWarehouse,
};
