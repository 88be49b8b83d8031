import { Public } from '@ecom/auth';
import { InvalidCommandError } from '@ecom/event-sourcing';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { Availability, AvailabilityCache } from '../read-model/availability-cache';

const MAX_SKUS = 500;

/** inventory.v1.InventoryService for storefronts (public): availability from the cached read model. */
@Controller()
export class InventoryGrpcController {
  constructor(private readonly availability: AvailabilityCache) {}

  @Public()
  @GrpcMethod('InventoryService', 'GetAvailability')
  async getAvailability(request: { skus?: string[] }): Promise<{ items: Availability[] }> {
    const skus = request.skus ?? [];
    if (skus.length > MAX_SKUS) throw new InvalidCommandError(`at most ${MAX_SKUS} skus per request`);
    const bad = skus.find((sku) => sku.length < 1 || sku.length > 64);
    if (bad !== undefined)
      throw new InvalidCommandError(`sku "${bad.slice(0, 70)}" must be 1 to 64 characters`);
    return { items: skus.length ? await this.availability.get(skus) : [] };
  }
}
