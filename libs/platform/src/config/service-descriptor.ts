import type { GrpcService } from '@ecom/contracts';

/** What a deployable is: its name (envelope `source`), database, and default ports (docs/contract.md section 1). */
export interface ServiceDescriptor {
  name: string;
  /** Database name on the server named by DATABASE_URL, unless <NAME>_DATABASE_URL is set. */
  database: string;
  /** Prefix of the per-service database variable, e.g. "CATALOG" for CATALOG_DATABASE_URL. */
  envPrefix: string;
  httpPort: number;
  grpc?: { service: GrpcService; port: number };
  /** Path prefixes served without the /v1 prefix (besides health, metrics and docs). */
  unversionedPaths?: string[];
}

export const SERVICES = {
  catalog: {
    name: 'catalog',
    database: 'ecom_catalog',
    envPrefix: 'CATALOG',
    httpPort: 3001,
    grpc: { service: 'catalog', port: 50051 },
  },
  orders: {
    name: 'orders',
    database: 'ecom_orders',
    envPrefix: 'ORDERS',
    httpPort: 3002,
    grpc: { service: 'orders', port: 50052 },
  },
  inventory: {
    name: 'inventory',
    database: 'ecom_inventory',
    envPrefix: 'INVENTORY',
    httpPort: 3003,
    grpc: { service: 'inventory', port: 50053 },
  },
  members: {
    name: 'members',
    database: 'ecom_members',
    envPrefix: 'MEMBERS',
    httpPort: 3004,
    grpc: { service: 'members', port: 50054 },
  },
  analytics: {
    name: 'analytics',
    database: 'ecom_analytics',
    envPrefix: 'ANALYTICS',
    httpPort: 3005,
    unversionedPaths: ['dashboard'],
  },
  // One bounded context with analytics: the projector writes the database the API reads.
  analyticsProjector: {
    name: 'analytics-projector',
    database: 'ecom_analytics',
    envPrefix: 'ANALYTICS',
    httpPort: 3006,
  },
} as const satisfies Record<string, ServiceDescriptor>;
