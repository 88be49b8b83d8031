import { Public } from '@ecom/auth';
import { Body, Controller, Get, Module, Param, Post, Query, Req } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import type { ServiceDescriptor } from '../config/service-descriptor';
import { PlatformModule } from '../platform.module';

/**
 * A service with nothing but the platform and a few routes shaped like the apps' (a DTO body with a
 * nested object and an array, a path parameter, a query value, the client address, a slow answer):
 * the HTTP edge specs start it with startTestService, as every app is started.
 */
export const EDGE_SERVICE: ServiceDescriptor = {
  name: 'edge',
  database: 'ecom_edge',
  envPrefix: 'EDGE',
  httpPort: 0,
};

class EdgeAddressDto {
  @IsString()
  @Length(1, 20)
  postalCode!: string;
}

class EdgeBodyDto {
  @IsString()
  @Length(1, 64)
  visitorId!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => EdgeAddressDto)
  shippingAddress?: EdgeAddressDto;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  tags?: string[];

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => EdgeAddressDto)
  lines?: EdgeAddressDto[];
}

@Public()
@Controller('edge')
class EdgeController {
  @Post('bodies')
  create(@Body() body: EdgeBodyDto) {
    return body;
  }

  @Get('items/:id')
  item(@Param('id') id: string, @Query('q') q?: string) {
    return { id, q };
  }

  @Get('client')
  client(@Req() request: FastifyRequest) {
    return { ip: request.ip };
  }

  @Get('slow')
  async slow() {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return { answered: true };
  }
}

@Module({ imports: [PlatformModule.forService(EDGE_SERVICE)], controllers: [EdgeController] })
export class EdgeTestModule {}

/** POSTs raw JSON text to the fixture's body route (text a JSON encoder could not produce). */
export async function postJsonText(
  baseUrl: string,
  text: string,
): Promise<{ status: number; body: { message: string } & Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/v1/edge/bodies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  return {
    status: response.status,
    body: (await response.json()) as { message: string } & Record<string, unknown>,
  };
}
