import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { WarehouseAggregate } from '../domain/warehouse.aggregate';
import { createWarehouse } from '../domain/warehouse.decisions';
import type { WarehouseView } from '../read-model/warehouse-directory';
import type { CreateWarehouseDto } from './create-warehouse.dto';

@Injectable()
export class CreateWarehouseHandler {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  async execute(dto: CreateWarehouseDto, context: EventContext): Promise<WarehouseView> {
    const warehouseId = uuidv7();
    const { state, events } = await this.runtime.commands.execute(
      WarehouseAggregate,
      dto.code,
      (current) =>
        createWarehouse(current, { warehouseId, code: dto.code, name: dto.name, region: dto.region }),
      context,
    );
    return {
      id: state.warehouseId!,
      code: state.code!,
      name: state.name!,
      region: state.region,
      createdAt: events[0].occurredAt,
    };
  }
}
