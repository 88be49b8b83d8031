import type { EventContext } from '@ecom/contracts';
import { AggregateRepository } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { WarehouseAggregate, WarehouseEvent, WarehouseState } from '../domain/warehouse.aggregate';
import { createWarehouse } from '../domain/warehouse.decisions';
import type { WarehouseView } from '../read-model/warehouse-directory';
import type { CreateWarehouseDto } from './create-warehouse.dto';

@Injectable()
export class CreateWarehouseHandler {
  private readonly repository: AggregateRepository<WarehouseState, WarehouseEvent>;

  constructor(runtime: EventSourcingRuntime) {
    this.repository = runtime.repository(WarehouseAggregate);
  }

  async execute(dto: CreateWarehouseDto, context: EventContext): Promise<WarehouseView> {
    const warehouseId = uuidv7();
    const result = await this.repository.execute(
      dto.code,
      (state) => createWarehouse(state, { warehouseId, code: dto.code, name: dto.name, region: dto.region }),
      context,
    );
    return {
      id: result.state.warehouseId!,
      code: result.state.code!,
      name: result.state.name!,
      region: result.state.region,
      createdAt: result.events[0].occurredAt,
    };
  }
}
