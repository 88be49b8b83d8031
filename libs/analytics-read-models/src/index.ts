export * from './settings';
export * from './time';
export * from './read-model-tables';
export * from './facts-version';
export * from './rfm/rfm.domain';
export * from './rfm/rfm-recompute';
export * from './rfm/rfm.queries';
export * from './matrix/matrix.domain';
export * from './matrix/matrix.queries';
export * from './funnel/funnel.domain';
export * from './funnel/funnel.queries';
export * from './funnel/funnel-aggregate';
export * from './sales/sales.queries';
export * from './stock-warnings/stock-warnings.queries';
export * from './lifecycle/lifecycle.domain';
export * from './lifecycle/lifecycle.queries';
export * from './migrations/1764100000000-create-analytics-read-models';
export * from './migrations/1764900000000-funnel-aggregate';
export * from './migrations/1765300000000-imported-orders';
export * from './migrations/1765600000000-catalog-listing';
export * from './migrations/1765700000000-live-rfm';
export * from './experiments/experiments.domain';
export * from './experiments/experiments.queries';
export * from './migrations/1765830000000-experiments';
export * from './anomalies/anomaly.domain';
export * from './anomalies/anomaly-figures';
export * from './anomalies/anomaly.queries';
export * from './migrations/1765840000000-anomaly-alerts';
export * from './copurchase/copurchase.domain';
export * from './copurchase/copurchase-sync';
export * from './copurchase/copurchase.queries';
export * from './migrations/1765810000000-copurchase';
export * from './migrations/1765820000000-stock-batch-received-at';
export * from './migrations/1765850000000-copurchase-total-shards';
export * from './stock-health/stock-health.domain';
export * from './stock-health/stock-health.queries';

import { CreateAnalyticsReadModels1764100000000 } from './migrations/1764100000000-create-analytics-read-models';
import { FunnelAggregate1764900000000 } from './migrations/1764900000000-funnel-aggregate';
import { ImportedOrders1765300000000 } from './migrations/1765300000000-imported-orders';
import { CatalogListing1765600000000 } from './migrations/1765600000000-catalog-listing';
import { LiveRfm1765700000000 } from './migrations/1765700000000-live-rfm';
import { Experiments1765830000000 } from './migrations/1765830000000-experiments';
import { AnomalyAlerts1765840000000 } from './migrations/1765840000000-anomaly-alerts';
import { Copurchase1765810000000 } from './migrations/1765810000000-copurchase';
import { StockBatchReceivedAt1765820000000 } from './migrations/1765820000000-stock-batch-received-at';
import { CopurchaseTotalShards1765850000000 } from './migrations/1765850000000-copurchase-total-shards';

/**
 * The analytics database's own migrations. Both apps list them (the projector writes these tables,
 * the API reads them and appends to the same event store): whichever starts first runs them under
 * the platform's migration lock, the other finds nothing to do.
 */
export const ANALYTICS_MIGRATIONS = [
  CreateAnalyticsReadModels1764100000000,
  FunnelAggregate1764900000000,
  ImportedOrders1765300000000,
  CatalogListing1765600000000,
  LiveRfm1765700000000,
  Experiments1765830000000,
  Copurchase1765810000000,
  StockBatchReceivedAt1765820000000,
  AnomalyAlerts1765840000000,
  CopurchaseTotalShards1765850000000,
];
