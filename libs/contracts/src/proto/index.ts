import { existsSync } from 'fs';
import { dirname, join } from 'path';

/**
 * The versioned gRPC contracts live in libs/contracts/proto/<service>/v1/<service>.proto (packages
 * catalog.v1, orders.v1, inventory.v1, members.v1). They are found by walking up from this file, so
 * the same lookup works from sources (tests) and from the compiled dist/ tree.
 */
function findProtoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'libs', 'contracts', 'proto');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`libs/contracts/proto not found above ${__dirname}`);
    dir = parent;
  }
}

export const PROTO_ROOT = findProtoRoot();

export type GrpcService = 'catalog' | 'orders' | 'inventory' | 'members';

/** Absolute path of a service's proto file, e.g. protoPath('catalog') for package catalog.v1. */
export function protoPath(service: GrpcService): string {
  return join(PROTO_ROOT, service, 'v1', `${service}.proto`);
}

export function protoPackage(service: GrpcService): string {
  return `${service}.v1`;
}
