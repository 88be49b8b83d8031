import { protoPath } from '@ecom/contracts';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { sleep } from './service-api';

export interface GrpcOrder {
  id: string;
  status: string;
  /** int64 as a decimal string (the services' loader options). */
  total: string;
  currency: string;
}

interface PlaceOrderRequest {
  cartId?: string;
  items?: { sku: string; quantity: number }[];
  shippingAddress: Record<string, string>;
  visitorId: string;
  channel: string;
  idempotencyKey: string;
  /** map<string, string> experiments: the visitor's A/B test assignments. */
  experiments?: Record<string, string>;
}

type Callback<T> = (error: grpc.ServiceError | null, response: T) => void;
interface OrdersServiceClient extends grpc.Client {
  placeOrder(
    request: object,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: Callback<GrpcOrder>,
  ): void;
  watchOrder(
    request: object,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
  ): grpc.ClientReadableStream<GrpcOrder>;
}

/** Codes after which the same call may be made again: the limit or the server said "later". */
const RETRY_LATER = new Set([grpc.status.RESOURCE_EXHAUSTED, grpc.status.UNAVAILABLE]);
const MAX_ATTEMPTS = 30;

/**
 * orders.v1.OrdersService over gRPC, loaded from the contracts' proto with the services' loader
 * options: PlaceOrder (with an idempotency key, so a call sent again places one order) and
 * WatchOrder (the stream that ends when the order reaches a wanted status).
 */
export class OrdersGrpc {
  private readonly client: OrdersServiceClient;
  readonly stats = { throttled: 0 };

  constructor(address: string) {
    const definition = protoLoader.loadSync(protoPath('orders'), {
      keepCase: false,
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      orders: {
        v1: {
          OrdersService: new (address: string, credentials: grpc.ChannelCredentials) => OrdersServiceClient;
        };
      };
    };
    this.client = new loaded.orders.v1.OrdersService(address, grpc.credentials.createInsecure());
  }

  async placeOrder(request: PlaceOrderRequest, token: string): Promise<GrpcOrder> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await new Promise<GrpcOrder>((resolve, reject) =>
          this.client.placeOrder(
            request,
            this.metadata(token),
            { deadline: Date.now() + 30_000 },
            (error, order) => (error ? reject(error) : resolve(order)),
          ),
        );
      } catch (error) {
        const code = (error as grpc.ServiceError).code;
        if (!RETRY_LATER.has(code) || attempt >= MAX_ATTEMPTS) throw error;
        this.stats.throttled++;
        // gRPC has no Retry-After: the service's message names the seconds ("retry after N s").
        const seconds = Number(/(\d+(?:\.\d+)?)\s*s/.exec((error as Error).message)?.[1] ?? 1);
        await sleep(Math.min(30, Math.max(0.2, seconds)) * 1000);
      }
    }
  }

  /** The order's state once it reaches one of `until` (or the last state sent when the watch times out). */
  async watchUntil(id: string, until: string[], token: string, timeoutMs = 30_000): Promise<GrpcOrder> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await new Promise<GrpcOrder>((resolve, reject) => {
          let last: GrpcOrder | undefined;
          const call = this.client.watchOrder({ id, untilStatus: until, timeoutMs }, this.metadata(token), {
            deadline: Date.now() + timeoutMs + 10_000,
          });
          call.on('data', (order: GrpcOrder) => (last = order));
          call.on('error', reject);
          call.on('end', () =>
            last ? resolve(last) : reject(new Error(`WatchOrder ${id} ended without a state`)),
          );
        });
      } catch (error) {
        const code = (error as grpc.ServiceError).code;
        if (!RETRY_LATER.has(code) || attempt >= MAX_ATTEMPTS) throw error;
        this.stats.throttled++;
        await sleep(1000);
      }
    }
  }

  close(): void {
    this.client.close();
  }

  private metadata(token: string): grpc.Metadata {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    return metadata;
  }
}
