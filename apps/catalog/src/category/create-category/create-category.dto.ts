import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { CATEGORY_NAME_MAX_LENGTH } from '../domain/category.decisions';

export class CreateCategoryDto {
  @ApiProperty({
    example: 'T-Shirts',
    maxLength: CATEGORY_NAME_MAX_LENGTH,
    description: 'unique among its siblings (case-insensitive)',
  })
  @IsString()
  @Length(1, CATEGORY_NAME_MAX_LENGTH)
  name!: string;

  @ApiPropertyOptional({ description: 'parent category id; omit for a root category. At most 3 levels.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  parentId?: string;
}
