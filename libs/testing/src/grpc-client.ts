import { protoPath } from '@ecom/contracts';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** How the services load their protos (libs/platform bootstrap), so a test client reads what they send. */
const SERVER_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/**
 * A plain gRPC client of `<pkg>.v1.<serviceName>` from the contracts' protos, for tests talking to a
 * service at `address`. Callers type it with the methods they use and close it when done.
 */
export function grpcTestClient<TClient extends grpc.Client>(
  pkg: Parameters<typeof protoPath>[0],
  serviceName: string,
  address: string,
  loaderOptions: protoLoader.Options = SERVER_LOADER_OPTIONS,
): TClient {
  const definition = protoLoader.loadSync(protoPath(pkg), loaderOptions);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as Record<
    string,
    { v1: Record<string, typeof grpc.Client> }
  >;
  const Client = loaded[pkg].v1[serviceName];
  if (!Client) throw new Error(`no gRPC service ${pkg}.v1.${serviceName}`);
  return new Client(address, grpc.credentials.createInsecure()) as TClient;
}
