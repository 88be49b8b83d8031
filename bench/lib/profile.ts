/**
 * How big each phase is. `full` is the measurement (about 4-5 minutes on a 2-core machine); `quick`
 * runs the same phases tiny, as a smoke test that the bench and the stack still work together.
 */

export interface Profile {
  mode: 'full' | 'quick';
  seed: { products: number; skusPerProduct: number; unitsPerSku: number; members: number };
  idleMs: number;
  fullLoop: { shoppers: number[]; durationMs: number; maxOps: number };
  intake: { shoppers: number; durationMs: number; maxOps: number; drainTimeoutMs: number };
  flash: { buyers: number; units: number; members: number; connections: number; timeoutMs: number };
  analytics: { connections: number; durationMs: number; maxOps: number };
  storefront: { connections: number; durationMs: number; maxOps: number };
  replay: { minEvents: number; maxEvents: number };
  reference: { pgbenchSeconds: number; kafkaMs: number; kafkaMaxMessages: number; fastifyMs: number };
  /** The order-history import phase (opt-in): lines generated and imported, lines per request. */
  importHistory: { lines: number; batch: number };
  /** Give up waiting for the stack to settle after a load phase after this long. */
  settleTimeoutMs: number;
}

export const FULL: Profile = {
  mode: 'full',
  seed: { products: 10, skusPerProduct: 2, unitsPerSku: 10_000_000, members: 50 },
  idleMs: 10_000,
  fullLoop: { shoppers: [4, 16, 64], durationMs: 20_000, maxOps: 200_000 },
  intake: { shoppers: 64, durationMs: 10_000, maxOps: 100_000, drainTimeoutMs: 180_000 },
  flash: { buyers: 1000, units: 100, members: 50, connections: 100, timeoutMs: 180_000 },
  analytics: { connections: 16, durationMs: 4000, maxOps: 200_000 },
  storefront: { connections: 32, durationMs: 4000, maxOps: 500_000 },
  replay: { minEvents: 20_000, maxEvents: 50_000 },
  reference: { pgbenchSeconds: 10, kafkaMs: 5000, kafkaMaxMessages: 500_000, fastifyMs: 4000 },
  importHistory: { lines: 200_000, batch: 1000 },
  settleTimeoutMs: 60_000,
};

export const QUICK: Profile = {
  mode: 'quick',
  seed: { products: 2, skusPerProduct: 2, unitsPerSku: 1_000_000, members: 8 },
  idleMs: 2000,
  fullLoop: { shoppers: [4], durationMs: 2000, maxOps: 2000 },
  intake: { shoppers: 16, durationMs: 2000, maxOps: 2000, drainTimeoutMs: 60_000 },
  flash: { buyers: 100, units: 10, members: 8, connections: 50, timeoutMs: 60_000 },
  analytics: { connections: 16, durationMs: 1000, maxOps: 20_000 },
  storefront: { connections: 32, durationMs: 1000, maxOps: 50_000 },
  replay: { minEvents: 2000, maxEvents: 20_000 },
  reference: { pgbenchSeconds: 2, kafkaMs: 2000, kafkaMaxMessages: 50_000, fastifyMs: 1000 },
  importHistory: { lines: 2000, batch: 500 },
  settleTimeoutMs: 30_000,
};

export interface Options {
  profile: Profile;
  /** Where the JSON goes (default: bench/results/<timestamp>[-quick].json). */
  out?: string;
  /** Run only these phases (development); the default runs all. */
  phases?: string[];
  cleanup: boolean;
}

export function parseArgs(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  };
  const quick = argv.includes('--quick');
  const profile: Profile = structuredClone(quick ? QUICK : FULL);
  const flashMembers = value('--flash-members');
  if (flashMembers) profile.flash.members = Number(flashMembers);
  if (argv.includes('--help')) {
    process.stderr.write(
      'usage: npm run bench [-- --quick] [--out file.json] [--phases a,b] [--flash-members N] [--no-cleanup]\n',
    );
    process.exit(0);
  }
  return {
    profile,
    out: value('--out'),
    phases: value('--phases')?.split(','),
    cleanup: !argv.includes('--no-cleanup'),
  };
}
