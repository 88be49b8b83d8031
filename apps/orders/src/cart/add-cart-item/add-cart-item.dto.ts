import { OrderItemDto } from '../../order/place-order/place-order.dto';

/** A SKU and a number of units to add; the price comes from the orders read model. */
export class AddCartItemDto extends OrderItemDto {}
