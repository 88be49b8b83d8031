/**
 * gRPC clients of the stack's storefront services, loaded from the same protos the services serve
 * (libs/contracts/proto) with the same loader options. Each client gets its own connection (a
 * local subchannel pool), so "N connections" means the same for gRPC as for REST.
 */
import { protoPath } from '@ecom/contracts';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

type Unary = (
  request: object,
  options: { deadline: Date },
  callback: (error: grpc.ServiceError | null, response: unknown) => void,
) => void;

export interface GrpcClient {
  call(method: string, request: object, timeoutMs?: number): Promise<unknown>;
  close(): void;
}

type Service = 'catalog' | 'inventory';
const constructors = new Map<Service, typeof grpc.Client>();

function constructorOf(service: Service): typeof grpc.Client {
  const known = constructors.get(service);
  if (known) return known;
  const definition = protoLoader.loadSync(protoPath(service), {
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as Record<
    string,
    { v1: Record<string, typeof grpc.Client> }
  >;
  const serviceName = service === 'catalog' ? 'CatalogService' : 'InventoryService';
  const constructor = loaded[service].v1[serviceName];
  constructors.set(service, constructor);
  return constructor;
}

export function grpcClient(service: Service, port: number): GrpcClient {
  const Client = constructorOf(service);
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
  }) as unknown as Record<string, Unary> & grpc.Client;
  return {
    call: (method, request, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        client[method].call(
          client,
          request,
          { deadline: new Date(Date.now() + timeoutMs) },
          (error, response) => (error ? reject(error) : resolve(response)),
        );
      }),
    close: () => client.close(),
  };
}

/** "grpc:<code>" for a failed call (2 UNKNOWN and 13 INTERNAL count as server errors). */
export function grpcOutcome(error: unknown): string {
  const code = (error as { code?: number }).code;
  return code === undefined ? 'error:grpc' : `grpc:${code}`;
}
