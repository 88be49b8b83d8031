/**
 * Phase 6: what storefronts read, one endpoint at a time over the same number of connections:
 * catalog REST (list, cached product detail, SKU), stock (the REST route is the operators'; the
 * storefronts' availability is gRPC inventory.v1 GetAvailability), catalog gRPC, and /health/live as
 * the cheapest route the platform serves. The bare Fastify route of the reference phase is the
 * ceiling these are compared with.
 */
import { busiest, closeCpuWindow, openCpuWindow } from '../lib/cpu-window';
import { HttpClient } from '../lib/http';
import { grpcClient, GrpcClient, grpcOutcome } from '../lib/grpc';
import { Outcome, runClosedLoop } from '../lib/load';
import { phase } from '../lib/progress';
import { GRPC_PORTS, PORTS, waitReady } from '../lib/stack';
import { BenchContext } from './context';

interface ReadEndpoint {
  id: string;
  label: string;
  /** Compared with the bare Fastify route (target: at least half its req/s). */
  vsFastify?: boolean;
  op: (worker: number, seq: number) => Promise<Outcome>;
}

export async function storefrontReads(ctx: BenchContext): Promise<void> {
  const { profile, shop, results, pg } = ctx;
  const { connections, durationMs, maxOps } = profile.storefront;
  phase(`storefront reads: ${connections} connections, ${durationMs / 1000} s per endpoint`);
  await waitReady(['catalog', 'inventory']);
  const catalog = new HttpClient(PORTS.catalog, connections);
  const inventory = new HttpClient(PORTS.inventory, connections);
  const grpcCatalog: GrpcClient[] = [];
  const grpcInventory: GrpcClient[] = [];
  for (let i = 0; i < connections; i++) {
    grpcCatalog.push(grpcClient('catalog', GRPC_PORTS.catalog));
    grpcInventory.push(grpcClient('inventory', GRPC_PORTS.inventory));
  }
  const operatorToken = await shop.operator.bearer();
  const skuOf = (seq: number) => shop.skus[seq % shop.skus.length];
  const grpcCall = async (client: GrpcClient, method: string, request: object): Promise<Outcome> => {
    try {
      await client.call(method, request);
      return 200;
    } catch (error) {
      return grpcOutcome(error);
    }
  };
  const endpoints: ReadEndpoint[] = [
    {
      id: 'productList',
      label: 'REST GET /v1/products (list, 20)',
      op: async () => (await catalog.get('/v1/products?limit=20', { parse: false })).status,
    },
    {
      id: 'productDetail',
      label: 'REST GET /v1/products/:id (detail, cached)',
      vsFastify: true,
      op: async (_, seq) =>
        (await catalog.get(`/v1/products/${skuOf(seq).productId}`, { parse: false })).status,
    },
    {
      id: 'sku',
      label: 'REST GET /v1/skus/:code',
      op: async (_, seq) => (await catalog.get(`/v1/skus/${skuOf(seq).code}`, { parse: false })).status,
    },
    {
      id: 'stockRest',
      label: 'REST GET :3003/v1/stock/:sku (operator)',
      op: async (_, seq) =>
        (await inventory.get(`/v1/stock/${skuOf(seq).code}`, { token: operatorToken, parse: false })).status,
    },
    {
      id: 'availabilityGrpc',
      label: 'gRPC inventory.v1 GetAvailability',
      op: (worker, seq) => grpcCall(grpcInventory[worker], 'GetAvailability', { skus: [skuOf(seq).code] }),
    },
    {
      id: 'productGrpc',
      label: 'gRPC catalog.v1 GetProduct',
      op: (worker, seq) => grpcCall(grpcCatalog[worker], 'GetProduct', { id: skuOf(seq).productId }),
    },
    {
      id: 'skuGrpc',
      label: 'gRPC catalog.v1 GetSku',
      op: (worker, seq) => grpcCall(grpcCatalog[worker], 'GetSku', { code: skuOf(seq).code }),
    },
    {
      id: 'healthLive',
      label: 'REST GET /health/live (catalog)',
      vsFastify: true,
      op: async () => (await catalog.get('/health/live', { parse: false })).status,
    },
  ];
  const detail: Record<string, unknown> = { connections };
  try {
    for (const endpoint of endpoints) {
      const cpuBefore = await openCpuWindow(pg);
      const load = await runClosedLoop(
        { label: endpoint.label, workers: connections, durationMs, maxOps },
        endpoint.op,
      );
      const cpu = busiest(await closeCpuWindow(pg, cpuBefore));
      results.load('storefront', load);
      detail[endpoint.id] = { ...load, cpuPercentOfCore: cpu };
      results.figure({
        id: `storefront.${endpoint.id}.perSecond`,
        label: `${endpoint.label}: req/s`,
        value: load.okPerSecond,
        unit: 'req/s',
        ...(endpoint.vsFastify
          ? { referenceId: 'reference.fastifyPerSecond', target: { op: '>=', value: 0.5, on: 'ratio' } }
          : { secondary: true }),
      });
      results.figure({
        id: `storefront.${endpoint.id}.p99`,
        label: `${endpoint.label}: p99`,
        value: load.latency.p99,
        unit: 'ms',
        secondary: true,
      });
    }
  } finally {
    await catalog.close();
    await inventory.close();
    for (const client of [...grpcCatalog, ...grpcInventory]) client.close();
  }
  results.detail('storefront', detail);
}
