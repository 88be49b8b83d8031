import type { EventContext } from '@ecom/contracts';
import { RequireRole } from '@ecom/auth';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateWarehouseDto, WarehouseResponse } from './create-warehouse/create-warehouse.dto';
import { CreateWarehouseHandler } from './create-warehouse/create-warehouse.handler';
import { WarehouseDirectory, WarehouseView } from './read-model/warehouse-directory';

@ApiTags('warehouses')
@ApiBearerAuth()
@RequireRole('operator')
@Controller('warehouses')
export class WarehouseController {
  constructor(
    private readonly create: CreateWarehouseHandler,
    private readonly directory: WarehouseDirectory,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a warehouse (409 if the code is taken)' })
  @ApiCreatedResponse({ type: WarehouseResponse })
  createWarehouse(
    @Body() dto: CreateWarehouseDto,
    @RequestEventContext() context: EventContext,
  ): Promise<WarehouseView> {
    return this.create.execute(dto, context);
  }

  @Get()
  @ApiOperation({ summary: 'List warehouses by code' })
  @ApiOkResponse({ type: [WarehouseResponse] })
  list(): Promise<WarehouseView[]> {
    return this.directory.list();
  }

  @Get(':code')
  @ApiOperation({ summary: 'One warehouse (404 if unknown)' })
  @ApiOkResponse({ type: WarehouseResponse })
  get(@Param('code') code: string): Promise<WarehouseView> {
    return this.directory.require(code);
  }
}
