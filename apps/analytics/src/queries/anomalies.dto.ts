import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { RangeQueryDto } from './query.dto';

export class AnomaliesQueryDto extends RangeQueryDto {
  @ApiPropertyOptional({
    enum: ['open', 'all'],
    default: 'open',
    description:
      'open: the alerts not cleared yet (all of them unless from/to are given); all: raised and cleared ' +
      'alerts raised by an hour starting within from..to (default the 7 days ending today)',
  })
  @IsOptional()
  @IsIn(['open', 'all'])
  state?: 'open' | 'all';
}
