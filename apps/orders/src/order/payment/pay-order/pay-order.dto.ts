import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Matches, Min } from 'class-validator';

export class PayOrderDto {
  @ApiProperty({ description: 'minor units; must equal the order total', example: 4498 })
  @IsInt()
  @Min(0)
  amount: number;

  @ApiProperty({ example: 'alipay', description: 'card, alipay, wechat_pay, ...' })
  @Matches(/^[a-z0-9_]{1,32}$/, { message: 'method must be 1 to 32 characters of a-z, 0-9 and _' })
  method: string;
}

export class PaymentResponse {
  @ApiProperty() orderId: string;
  @ApiProperty() paymentId: string;
  @ApiProperty() amount: number;
  @ApiProperty() currency: string;
  @ApiProperty() method: string;
  @ApiProperty({ example: 'PAID' }) status: 'PAID';
}
