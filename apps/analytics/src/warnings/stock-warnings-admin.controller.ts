import type { EventContext } from '@ecom/contracts';
import { AuthenticatedMember, CurrentMember, RequireRole } from '@ecom/auth';
import { RequestEventContext } from '@ecom/platform';
import { Controller, Delete, HttpCode, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ClearStockWarningParams, ClearStockWarningQuery } from './clear-stock-warning.dto';
import { ClearStockWarningHandler } from './clear-stock-warning.handler';

/** Operators clear stock warnings that should not be there (docs/contract.md section 5, analytics). */
@ApiTags('analytics')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid token' })
@ApiForbiddenResponse({ description: 'requires role operator' })
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
  @ApiNoContentResponse({ description: 'cleared' })
  @ApiBadRequestResponse({ description: 'unknown warning type, or a malformed SKU or warehouse' })
  @ApiNotFoundResponse({ description: 'no such active warning (STOCK_WARNING_NOT_FOUND)' })
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
