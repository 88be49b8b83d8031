import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { CHANNEL_PATTERN } from '../../order/place-order/place-order.dto';

export class CreateCartDto {
  @ApiPropertyOptional({
    maxLength: 64,
    description: 'storefront visitor id; required without a token, default the member id',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  visitorId?: string;

  @ApiPropertyOptional({ example: 'app', pattern: CHANNEL_PATTERN.source })
  @IsOptional()
  @Matches(CHANNEL_PATTERN, { message: 'channel must be 1 to 32 characters of a-z, 0-9, _ and -' })
  channel?: string;
}
