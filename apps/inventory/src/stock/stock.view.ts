import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { StockItemState } from './domain/stock-item.aggregate';

export class BatchView {
  @ApiProperty({ nullable: true, type: String, description: 'batch (lot) code; null for unbatched stock' })
  batch!: string | null;
  @ApiProperty({ nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty() quantity!: number;
}

export class WarehouseStockView {
  @ApiProperty() code!: string;
  @ApiProperty() onHand!: number;
  @ApiProperty() reserved!: number;
  @ApiProperty() available!: number;
  @ApiProperty({ type: [BatchView], description: 'on-hand stock by batch, first-expiring first' })
  batches!: BatchView[];
}

export class StockView {
  @ApiProperty() sku!: string;
  @ApiProperty() onHand!: number;
  @ApiProperty() reserved!: number;
  @ApiProperty({ description: 'onHand - reserved' }) available!: number;
  @ApiProperty() safetyStock!: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) leadTimeDays!: number | null;
  @ApiProperty({ description: 'orders currently holding a reservation of this SKU' })
  openReservations!: number;
  @ApiProperty({ type: [WarehouseStockView] }) warehouses!: WarehouseStockView[];
}

/** The operator view of a SKU's stock; a SKU never stocked shows zeros. */
export function toStockView(sku: string, state: StockItemState): StockView {
  const warehouses = Object.entries(state.warehouses)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, stock]) => ({
      code,
      onHand: stock.onHand,
      reserved: stock.reserved,
      available: stock.onHand - stock.reserved,
      batches: stock.batches.map((b) => ({ batch: b.batch, expiresAt: b.expiresAt, quantity: b.quantity })),
    }));
  const onHand = warehouses.reduce((sum, w) => sum + w.onHand, 0);
  const reserved = warehouses.reduce((sum, w) => sum + w.reserved, 0);
  return {
    sku,
    onHand,
    reserved,
    available: onHand - reserved,
    safetyStock: state.safetyStock,
    leadTimeDays: state.leadTimeDays,
    openReservations: state.openOrders,
    warehouses,
  };
}
