import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { MEMBER_ROLES, MemberRole } from '../domain/member.aggregate';

export class ChangeRolesDto {
  @ApiProperty({ enum: MEMBER_ROLES, isArray: true, example: ['customer', 'operator'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MEMBER_ROLES.length)
  @ArrayUnique()
  @IsIn(MEMBER_ROLES, {
    each: true,
    message: `each value in roles must be one of ${MEMBER_ROLES.join(', ')}`,
  })
  roles: MemberRole[];
}
