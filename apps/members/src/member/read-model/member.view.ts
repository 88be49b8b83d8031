import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MEMBER_ROLES, MemberRole, Tier, TIERS } from '../domain/member.aggregate';

/** A member as the API shows it to the member themself and to the back office. */
export class MemberView {
  @ApiProperty({ example: '01936f6e-8a8e-7cc1-9d3e-5f0a1b2c3d4e' })
  id: string;

  @ApiProperty({
    example: 'jane@example.com',
    nullable: true,
    type: String,
    description: 'null for a member brought over by the order-history import (no login yet)',
  })
  email: string | null;

  @ApiProperty({
    example: 'Jane',
    nullable: true,
    type: String,
    description: 'null for a member brought over by the order-history import',
  })
  displayName: string | null;

  @ApiPropertyOptional({ example: '+86 138 0000 0000', nullable: true, type: String })
  phone: string | null;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description:
      'customer id on the platform an order history was imported from; null for a member who registered here',
  })
  customerRef: string | null;

  @ApiProperty({ enum: TIERS })
  tier: Tier;

  @ApiProperty({ description: 'points balance (1 point per 1.00 paid, reversed on refund)', example: 120 })
  points: number;

  @ApiProperty({ enum: MEMBER_ROLES, isArray: true })
  roles: MemberRole[];

  @ApiProperty({
    format: 'date-time',
    description: 'when the member registered here, or when the order-history import brought them here',
  })
  registeredAt: string;
}
