import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class CancelOrderDto {
  @ApiPropertyOptional({ maxLength: 200, description: 'a short reason code or text; never personal data' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reason?: string;
}
