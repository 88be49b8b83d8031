import type {
  CopurchasePairsView,
  CopurchasePairView,
  CopurchasePartnerView,
  CopurchaseSkuView,
} from '@ecom/analytics-read-models';
import { ApiProperty } from '@nestjs/swagger';
import { count } from '../openapi/properties';
import type { Expect, SameShape } from '../openapi/same-shape';

const COUNTED =
  'counted orders: paid (live or imported) and not refunded in full, each counted once with its distinct SKUs';
const MIN_SUPPORT =
  'COPURCHASE_MIN_SUPPORT_ORDERS: only pairs bought together in at least this many counted orders are answered';
const ratio = (description: string) => ({ type: Number, minimum: 0, maximum: 1, description });
const lift = {
  type: Number,
  minimum: 0,
  example: 1.25,
  description:
    'orders together x counted orders / (orders with one x orders with the other): confidence / support of the ' +
    'other SKU, the same both ways; above 1 they are bought together more often than if independent',
};

export class CopurchasePartnerResponse implements CopurchasePartnerView {
  @ApiProperty({ example: 'TEE-BLUE-M', description: 'the partner SKU' })
  sku!: string;

  @ApiProperty(count('counted orders with both SKUs (the support count)'))
  orders!: number;

  @ApiProperty(count('counted orders with the partner'))
  partnerOrders!: number;

  @ApiProperty(ratio('orders / countedOrders'))
  support!: number;

  @ApiProperty(ratio('confidence(sku -> partner): orders / the orders of the SKU asked for'))
  confidence!: number;

  @ApiProperty(lift)
  lift!: number;
}

export class CopurchaseSkuResponse implements CopurchaseSkuView {
  @ApiProperty({ example: 'TEE-RED-M', description: 'the SKU asked for' })
  sku!: string;

  @ApiProperty(count('counted orders with the SKU (0 for a SKU never in one)'))
  orders!: number;

  @ApiProperty(count(COUNTED))
  countedOrders!: number;

  @ApiProperty({ type: 'integer', minimum: 1, description: MIN_SUPPORT })
  minSupportOrders!: number;

  @ApiProperty({
    type: [CopurchasePartnerResponse],
    description: 'the top partners: highest lift first, then more orders together, then by SKU',
  })
  partners!: CopurchasePartnerResponse[];
}

export class CopurchasePairResponse implements CopurchasePairView {
  @ApiProperty({ example: 'TEE-BLUE-M', description: 'the lower SKU of the pair (code-point order)' })
  skuA!: string;

  @ApiProperty({ example: 'TEE-RED-M', description: 'the higher SKU of the pair' })
  skuB!: string;

  @ApiProperty(count('counted orders with both SKUs (the support count)'))
  orders!: number;

  @ApiProperty(count('counted orders with skuA'))
  ordersA!: number;

  @ApiProperty(count('counted orders with skuB'))
  ordersB!: number;

  @ApiProperty(ratio('orders / countedOrders'))
  support!: number;

  @ApiProperty(ratio('confidence(skuA -> skuB): orders / ordersA'))
  confidenceAB!: number;

  @ApiProperty(ratio('confidence(skuB -> skuA): orders / ordersB'))
  confidenceBA!: number;

  @ApiProperty(lift)
  lift!: number;
}

export class CopurchasePairsResponse implements CopurchasePairsView {
  @ApiProperty(count(COUNTED))
  countedOrders!: number;

  @ApiProperty({ type: 'integer', minimum: 1, description: MIN_SUPPORT })
  minSupportOrders!: number;

  @ApiProperty({
    type: [CopurchasePairResponse],
    description: 'the top pairs: highest lift first, then more orders together, then by skuA and skuB',
  })
  pairs!: CopurchasePairResponse[];
}

export type CopurchaseSkuResponseMatchesView = Expect<SameShape<CopurchaseSkuResponse, CopurchaseSkuView>>;
export type CopurchasePairsResponseMatchesView = Expect<
  SameShape<CopurchasePairsResponse, CopurchasePairsView>
>;
