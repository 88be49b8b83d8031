import { isTimeZone } from '@ecom/analytics-read-models/calendar';

/** Where the six services answer (the standard local ports by default). */
export interface ServiceUrls {
  catalog: string;
  orders: string;
  /** host:port of the orders gRPC server. */
  ordersGrpc: string;
  inventory: string;
  members: string;
  analytics: string;
  /** The analytics projector's health endpoint (its lag tells when analytics has caught up). */
  projector: string;
}

export interface SimulatorOptions {
  shoppers: number;
  historyDays: number;
  seed: number;
  prefix: string;
  /** Sessions at once on an average hour of the live day (three times as many at the peak). */
  concurrency: number;
  timeZone: string;
  /** How long to wait for analytics to count everything before reading the summary. */
  settleSeconds: number;
  out?: string;
  urls: ServiceUrls;
  operator: { email: string; password: string };
}

export class OptionsError extends Error {}

export const USAGE = `npm run simulate -- [options]

  --shoppers N        registered shoppers (10-100000, default 200); the catalog, the order history
                      and the live day scale with it
  --history-days N    days of imported order history before today (0-365, default 180; 0: none)
  --seed N            seed of the plan (default 7): the same seed gives the same shop and day
  --prefix P          names what the run creates (SKU codes, emails, customer refs; default sim<seed>)
  --concurrency N     sessions at once on an average hour (1-64, default 6; x3 at the peak hour)
  --tz ZONE           the analytics time zone (default ANALYTICS_TZ, else Asia/Shanghai)
  --settle-seconds N  how long to wait for analytics to catch up (default 120)
  --out FILE          also write the bookkeeping and the summary as JSON
  --catalog-url, --orders-url, --orders-grpc, --inventory-url, --members-url, --analytics-url,
  --projector-url     where the services answer (default http://127.0.0.1:3001 ... 3006, gRPC
                      127.0.0.1:50052)
  --help              this text

The operator logs in with ADMIN_EMAIL / ADMIN_PASSWORD (default admin@example.com / Admin-Passw0rd!).`;

const URL_OPTIONS: Record<string, keyof ServiceUrls> = {
  'catalog-url': 'catalog',
  'orders-url': 'orders',
  'orders-grpc': 'ordersGrpc',
  'inventory-url': 'inventory',
  'members-url': 'members',
  'analytics-url': 'analytics',
  'projector-url': 'projector',
};
const NUMBER_OPTIONS = ['shoppers', 'history-days', 'seed', 'concurrency', 'settle-seconds'];
const TEXT_OPTIONS = ['prefix', 'tz', 'out', ...Object.keys(URL_OPTIONS)];

function integer(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max)
    throw new OptionsError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

function httpUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OptionsError(`--${name} must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new OptionsError(`--${name} must be an http(s) URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

/**
 * The command line (`--name value` or `--name=value`) and the environment as options; unknown or
 * malformed options are an OptionsError naming the option. `null` means --help.
 */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = {}): SimulatorOptions | null {
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return null;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new OptionsError(`unexpected argument "${arg}" (see --help)`);
    const [, name, inline] = match;
    if (!NUMBER_OPTIONS.includes(name) && !TEXT_OPTIONS.includes(name))
      throw new OptionsError(`unknown option --${name} (see --help)`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new OptionsError(`--${name} needs a value`);
    if (given.has(name)) throw new OptionsError(`--${name} is given twice`);
    given.set(name, value);
  }

  const seed = integer('seed', given.get('seed') ?? '7', 0, 2 ** 31 - 1);
  const prefix = given.get('prefix') ?? `sim${seed}`;
  if (!/^[a-z][a-z0-9]{0,11}$/.test(prefix))
    throw new OptionsError(
      `--prefix must be 1 to 12 lower-case letters and digits, starting with a letter, got "${prefix}"`,
    );
  const timeZone = given.get('tz') ?? env.ANALYTICS_TZ ?? 'Asia/Shanghai';
  if (!isTimeZone(timeZone)) throw new OptionsError(`--tz must be an IANA time zone, got "${timeZone}"`);
  const ordersGrpc = given.get('orders-grpc') ?? '127.0.0.1:50052';
  if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(ordersGrpc))
    throw new OptionsError(`--orders-grpc must be host:port, got "${ordersGrpc}"`);
  const url = (name: string, port: number) => httpUrl(name, given.get(name) ?? `http://127.0.0.1:${port}`);

  return {
    shoppers: integer('shoppers', given.get('shoppers') ?? '200', 10, 100_000),
    historyDays: integer('history-days', given.get('history-days') ?? '180', 0, 365),
    seed,
    prefix,
    concurrency: integer('concurrency', given.get('concurrency') ?? '6', 1, 64),
    timeZone,
    settleSeconds: integer('settle-seconds', given.get('settle-seconds') ?? '120', 0, 3600),
    out: given.get('out'),
    urls: {
      catalog: url('catalog-url', 3001),
      orders: url('orders-url', 3002),
      ordersGrpc,
      inventory: url('inventory-url', 3003),
      members: url('members-url', 3004),
      analytics: url('analytics-url', 3005),
      projector: url('projector-url', 3006),
    },
    operator: {
      email: env.ADMIN_EMAIL || 'admin@example.com',
      password: env.ADMIN_PASSWORD || 'Admin-Passw0rd!',
    },
  };
}
