import { RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Post,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { ImportOrderLine, ImportOrdersResponse } from './import-orders.dto';
import { ImportOrdersHandler } from './import-orders.handler';
import { NDJSON_CONTENT_TYPE } from './ndjson-body.parser';

const EXAMPLE_BODY = [
  '{"sourceOrderId":"TM-1001","customerRef":"cust-1","placedAt":"2024-03-01T10:00:00+08:00",' +
    '"paidAt":"2024-03-01T10:02:00+08:00","channel":"web","items":[{"sku":"TEE-RED-M","quantity":2,"price":1999}]}',
  '{"sourceOrderId":"TM-1002","customerRef":"cust-2","placedAt":"2024-03-02T09:00:00Z",' +
    '"items":[{"sku":"CAP","quantity":1,"price":500}]}',
].join('\n');

@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports')
export class ImportOrdersController {
  constructor(private readonly handler: ImportOrdersHandler) {}

  @Post('orders')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Import past orders from another platform (operator), one JSON object per line',
    description:
      `Body: JSON lines (\`Content-Type: ${NDJSON_CONTENT_TYPE}\`), each an ImportOrderLine. Each line is checked ` +
      'on its own: a bad line is listed under `rejected` with its line number, the field and the reason, and ' +
      'never stops the others. A paid order (with paidAt) is imported as COMPLETED, an unpaid one as CANCELLED, ' +
      'with its original dates (event OrderImported, occurredAt = placedAt); it never touches stock. The order id ' +
      'derives from sourceOrderId and the member id from customerRef, so a line whose order exists already ' +
      '(imported before, or earlier in the body) is counted as `skipped`: importing the same file twice imports ' +
      'nothing new. At most IMPORT_MAX_LINES (10,000) lines and IMPORT_MAX_BODY_BYTES (8 MiB) per request ' +
      '(413 above); larger files: `npm run import -- FILE`, which sends them in batches.',
  })
  @ApiConsumes(NDJSON_CONTENT_TYPE)
  @ApiBody({
    type: ImportOrderLine,
    description: `one ImportOrderLine per line, for example:\n\n\`\`\`\n${EXAMPLE_BODY}\n\`\`\``,
  })
  @ApiOkResponse({ type: ImportOrdersResponse, description: 'what became of each line' })
  @ApiBadRequestResponse({ description: 'the body is empty' })
  @ApiUnauthorizedResponse({ description: 'no or invalid token' })
  @ApiForbiddenResponse({ description: 'not an operator or admin' })
  @ApiPayloadTooLargeResponse({
    description: 'more lines or bytes than one request takes: split it or use the CLI',
  })
  @ApiUnsupportedMediaTypeResponse({ description: `the body is not ${NDJSON_CONTENT_TYPE}` })
  async import(
    @Body() body: Buffer,
    @RequestEventContext() context: EventContext,
  ): Promise<ImportOrdersResponse> {
    if (body === undefined || (Buffer.isBuffer(body) && body.length === 0)) {
      throw new BadRequestException('the body is empty: send one order per line');
    }
    if (!Buffer.isBuffer(body)) {
      throw new UnsupportedMediaTypeException(
        `send the orders as JSON lines with Content-Type: ${NDJSON_CONTENT_TYPE}, one order per line`,
      );
    }
    return this.handler.execute(body, context);
  }
}
