import { ConflictError, foldEvents, InvalidCommandError } from '@ecom/event-sourcing/domain';
import { initialWarehouseState, WarehouseAggregate } from './warehouse.aggregate';
import { createWarehouse } from './warehouse.decisions';

describe('Warehouse', () => {
  it('is created once under its code, with an optional region', () => {
    const events = createWarehouse(initialWarehouseState, {
      warehouseId: 'w1',
      code: 'SH-01',
      name: ' Shanghai DC ',
      region: '',
    });
    expect(events).toEqual([
      {
        type: 'WarehouseCreated',
        data: { warehouseId: 'w1', code: 'SH-01', name: 'Shanghai DC', region: null },
      },
    ]);
    const state = foldEvents(WarehouseAggregate, events);
    expect(state).toEqual({ warehouseId: 'w1', code: 'SH-01', name: 'Shanghai DC', region: null });
    expect(() => createWarehouse(state, { warehouseId: 'w2', code: 'SH-01', name: 'Again' })).toThrow(
      ConflictError,
    );
  });

  it('refuses a code that cannot name it in URLs and events', () => {
    expect(() =>
      createWarehouse(initialWarehouseState, { warehouseId: 'w', code: 'a b', name: 'x' }),
    ).toThrow(InvalidCommandError);
    expect(() =>
      createWarehouse(initialWarehouseState, { warehouseId: 'w', code: 'A'.repeat(65), name: 'x' }),
    ).toThrow(InvalidCommandError);
  });
});
