import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH } from '../domain/product.rules';
import { IsStringMap } from '../../shared/string-map.validator';
import { ATTRIBUTE_LIMITS, attributesApiProperty } from '../create-product/create-product.dto';

/** Only the fields sent change; `description: null` clears it; `attributes` replaces the whole set. */
export class ChangeProductDetailsDto {
  @ApiPropertyOptional({ maxLength: TITLE_MAX_LENGTH })
  @ValidateIf((o: ChangeProductDetailsDto) => o.title !== undefined)
  @IsString()
  @Length(1, TITLE_MAX_LENGTH)
  title?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: DESCRIPTION_MAX_LENGTH,
    description: 'null clears it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX_LENGTH)
  description?: string | null;

  @ApiPropertyOptional({ description: 'move the product; a LISTED product only to a leaf category' })
  @ValidateIf((o: ChangeProductDetailsDto) => o.categoryId !== undefined)
  @IsString()
  @Length(1, 64)
  categoryId?: string;

  @ApiPropertyOptional({ ...attributesApiProperty, description: 'replaces all product attributes' })
  @ValidateIf((o: ChangeProductDetailsDto) => o.attributes !== undefined)
  @IsStringMap(ATTRIBUTE_LIMITS)
  attributes?: Record<string, string>;
}
