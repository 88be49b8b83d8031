import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const PHONE_PATTERN = /^\+?[0-9][0-9 ()-]{4,23}$/;

export class RegisterMemberDto {
  @ApiProperty({ example: 'jane@example.com', maxLength: 254 })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({
    description:
      '10 to 128 characters mixing at least two of lower-case, upper-case, digits and symbols; not one repeated ' +
      'character, not the email address',
    example: 'correct horse battery',
  })
  @IsString()
  @MaxLength(1024)
  password: string;

  @ApiProperty({ example: 'Jane', maxLength: 64 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  displayName: string;

  @ApiPropertyOptional({ example: '+86 138 0000 0000' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Matches(PHONE_PATTERN, { message: 'phone must be a phone number (digits, spaces, +, -, parentheses)' })
  phone?: string;
}
