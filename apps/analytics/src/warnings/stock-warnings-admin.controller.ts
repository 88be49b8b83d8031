import type { EventContext } from '@ecom/contracts';
import { AuthenticatedMember, CurrentMember, RequireRole } from '@ecom/auth';
import { RequestEventContext } from '@ecom/platform';
import { Controller, Delete, HttpCode, Param, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, ApiOperatorRouteErrors } from '../openapi/error-responses';
import { ClearStockWarningParams, ClearStockWarningQuery } from './clear-stock-warning.dto';
import { ClearStockWarningHandler } from './clear-stock-warning.handler';

/** Operators clear stock warnings that should not be there (docs/contract.md section 5, analytics). */
@ApiTags('analytics')
@ApiOperatorRouteErrors()
@RequireRole('operator')
@Controller('analytics/stock-warnings')
export class StockWarningsAdminController {
  constructor(private readonly clear: ClearStockWarningHandler) {}

  @Delete(':sku/:type')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Clear an active stock warning (StockWarningCleared on analytics.alerts); it stays silent while its ' +
      'condition holds and is raised again if the condition ends and comes back',
  })
  @ApiNoContentResponse({ description: 'cleared; no body' })
  @ApiErrorResponses({
    400: 'an unknown warning type, a malformed SKU or warehouse, or an unknown query parameter',
    404: 'no such active warning, or it was cleared already (STOCK_WARNING_NOT_FOUND)',
  })
  async clearWarning(
    @Param() params: ClearStockWarningParams,
    @Query() query: ClearStockWarningQuery,
    @CurrentMember() member: AuthenticatedMember,
    @RequestEventContext() context: EventContext,
  ): Promise<void> {
    await this.clear.execute(
      { sku: params.sku, type: params.type, warehouse: query.warehouse ?? null, clearedBy: member.id },
      context,
    );
  }
}
