import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'jane@example.com' })
  @IsString()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery' })
  @IsString()
  @MaxLength(1024)
  password: string;
}

export class LoginMember {
  @ApiProperty()
  id: string;

  @ApiProperty({ enum: ['customer', 'operator', 'admin'], isArray: true })
  roles: string[];
}

export class LoginResponse {
  @ApiProperty({ description: 'ES256 JWT; send as Authorization: Bearer <token>' })
  accessToken: string;

  @ApiProperty({ description: 'seconds until the token expires', example: 900 })
  expiresIn: number;

  @ApiProperty({ type: LoginMember })
  member: LoginMember;
}
