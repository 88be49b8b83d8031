import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PHONE_PATTERN } from '../register-member/register-member.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class UpdateProfileDto {
  @ApiPropertyOptional({ example: 'Jane D.', maxLength: 64 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  displayName?: string;

  @ApiPropertyOptional({
    example: '+86 138 0000 0001',
    nullable: true,
    type: String,
    description: 'null removes the phone number',
  })
  @ValidateIf((dto: UpdateProfileDto) => dto.phone !== undefined && dto.phone !== null)
  @Transform(trim)
  @IsString()
  @Matches(PHONE_PATTERN, { message: 'phone must be a phone number (digits, spaces, +, -, parentheses)' })
  phone?: string | null;
}
