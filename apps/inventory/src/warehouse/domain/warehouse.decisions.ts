import { ConflictError, InvalidCommandError } from '@ecom/event-sourcing/domain';
import type { WarehouseEvent, WarehouseState } from './warehouse.aggregate';

export interface CreateWarehouse {
  warehouseId: string;
  code: string;
  name: string;
  region?: string | null;
}

export const WAREHOUSE_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function createWarehouse(state: WarehouseState, command: CreateWarehouse): WarehouseEvent[] {
  if (state.code !== null)
    throw new ConflictError(`warehouse ${command.code} already exists`, 'WAREHOUSE_EXISTS');
  if (!WAREHOUSE_CODE_PATTERN.test(command.code)) {
    throw new InvalidCommandError(
      'code must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
  const name = command.name.trim();
  if (name.length === 0 || name.length > 100)
    throw new InvalidCommandError('name must be 1 to 100 characters');
  const region = command.region?.trim() || null;
  if (region !== null && region.length > 64)
    throw new InvalidCommandError('region must be at most 64 characters');
  return [
    {
      type: 'WarehouseCreated',
      data: { warehouseId: command.warehouseId, code: command.code, name, region },
    },
  ];
}
