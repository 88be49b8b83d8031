import type { EventContext } from '@ecom/contracts';
import { RequireRole } from '@ecom/auth';
import { EventSourcingRuntime, RequestEventContext } from '@ecom/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { checkSkuFormat } from '../catalog-skus/known-skus';
import { AdjustStockDto } from './adjust-stock/adjust-stock.dto';
import { AdjustStockHandler } from './adjust-stock/adjust-stock.handler';
import { ChangeStockPolicyDto } from './change-stock-policy/change-stock-policy.dto';
import { ChangeStockPolicyHandler } from './change-stock-policy/change-stock-policy.handler';
import { StockItemAggregate } from './domain/stock-item.aggregate';
import { ReceiveStockDto } from './receive-stock/receive-stock.dto';
import { ReceiveStockHandler } from './receive-stock/receive-stock.handler';
import { StockView, toStockView } from './stock.view';
import { TransferStockDto } from './transfer-stock/transfer-stock.dto';
import { TransferStockHandler } from './transfer-stock/transfer-stock.handler';

/** Back-office stock operations (operator). Each answers with the SKU's stock after the change. */
@ApiTags('stock')
@ApiBearerAuth()
@RequireRole('operator')
@Controller('stock')
export class StockController {
  constructor(
    private readonly receive: ReceiveStockHandler,
    private readonly adjust: AdjustStockHandler,
    private readonly transfer: TransferStockHandler,
    private readonly policy: ChangeStockPolicyHandler,
    private readonly runtime: EventSourcingRuntime,
  ) {}

  @Post('receipts')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Receive goods into a warehouse, optionally as a batch with an expiry (404 unknown warehouse or a SKU ' +
      'the catalog does not know)',
  })
  @ApiNotFoundResponse({ description: 'no such warehouse, or the catalog has no such SKU (SKU_NOT_FOUND)' })
  @ApiCreatedResponse({ type: StockView })
  receipts(@Body() dto: ReceiveStockDto, @RequestEventContext() context: EventContext): Promise<StockView> {
    return this.receive.execute(dto, context);
  }

  @Post('adjustments')
  @HttpCode(201)
  @ApiOperation({ summary: 'Correct on-hand stock with a reason (422 below zero or below reserved)' })
  @ApiNotFoundResponse({ description: 'no such warehouse, or the catalog has no such SKU (SKU_NOT_FOUND)' })
  @ApiCreatedResponse({ type: StockView })
  adjustments(@Body() dto: AdjustStockDto, @RequestEventContext() context: EventContext): Promise<StockView> {
    return this.adjust.execute(dto, context);
  }

  @Post('transfers')
  @HttpCode(201)
  @ApiOperation({ summary: 'Move available units between warehouses atomically (422 more than available)' })
  @ApiNotFoundResponse({ description: 'no such warehouse, or the catalog has no such SKU (SKU_NOT_FOUND)' })
  @ApiCreatedResponse({ type: StockView })
  transfers(@Body() dto: TransferStockDto, @RequestEventContext() context: EventContext): Promise<StockView> {
    return this.transfer.execute(dto, context);
  }

  @Put(':sku/policy')
  @ApiOperation({
    summary: 'Set safety stock and lead time of a SKU (404 for a SKU the catalog does not know)',
  })
  @ApiNotFoundResponse({ description: 'the catalog has no such SKU (SKU_NOT_FOUND)' })
  @ApiOkResponse({ type: StockView })
  changePolicy(
    @Param('sku') sku: string,
    @Body() dto: ChangeStockPolicyDto,
    @RequestEventContext() context: EventContext,
  ): Promise<StockView> {
    return this.policy.execute(checkSkuFormat(sku), dto, context);
  }

  @Get(':sku')
  @ApiOperation({ summary: 'Stock of a SKU over all warehouses, with batches (zeros if never stocked)' })
  @ApiOkResponse({ type: StockView })
  async get(@Param('sku') sku: string): Promise<StockView> {
    const { state } = await this.runtime.commands.load(StockItemAggregate, checkSkuFormat(sku));
    return toStockView(sku, state);
  }
}
