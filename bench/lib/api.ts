/**
 * The shop's public REST API as the bench uses it: accounts with tokens, placing and paying orders,
 * and learning an order's outcome the way a storefront does.
 */
import { ClientOptions, HttpClient, HttpResponse } from './http';
import { PORTS } from './stack';
import { sleep } from './progress';

export const ADMIN = { email: 'admin@example.com', password: 'Admin-Passw0rd!' };

export const ADDRESS = {
  name: 'Bench Shopper',
  phone: '+86 138 0000 0000',
  line1: '1 Benchmark Road',
  city: 'Shanghai',
  postalCode: '200000',
  country: 'CN',
};

export interface OrderItem {
  sku: string;
  quantity: number;
}

export interface PlacedOrder {
  id: string;
  status: string;
  total: number;
  currency: string;
}

export interface OrderView extends PlacedOrder {
  memberId: string;
  history: { status: string; at: string }[];
  createdAt: string;
}

interface LoginAnswer {
  accessToken: string;
  expiresIn: number;
  member: { id: string; roles: string[] };
}

/** A member who logs in once and again shortly before the token expires (runs may outlast one). */
export class Account {
  id = '';
  private token = '';
  private expiresAt = 0;

  constructor(
    readonly email: string,
    readonly password: string,
    private readonly members: HttpClient,
  ) {}

  async login(): Promise<this> {
    for (let attempt = 1; ; attempt++) {
      const answer = await this.members.post<LoginAnswer>('/v1/auth/login', {
        email: this.email,
        password: this.password,
      });
      if (answer.status === 200) {
        this.token = answer.body.accessToken;
        this.expiresAt = Date.now() + answer.body.expiresIn * 1000;
        this.id = answer.body.member.id;
        return this;
      }
      // 5xx while members restarts: try a few times; anything else is a real refusal.
      if (answer.status < 500 || attempt >= 5)
        throw new Error(`login of ${this.email} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      await sleep(500 * attempt);
    }
  }

  async bearer(): Promise<string> {
    if (Date.now() > this.expiresAt - 60_000) await this.login();
    return this.token;
  }
}

/** One pool per service, sized for the phase that uses it (see ClientOptions for `options`). */
export function clientsFor(connections: number, options: ClientOptions = {}) {
  return {
    catalog: new HttpClient(PORTS.catalog, connections, options),
    orders: new HttpClient(PORTS.orders, connections, options),
    inventory: new HttpClient(PORTS.inventory, connections, options),
    members: new HttpClient(PORTS.members, connections, options),
    analytics: new HttpClient(PORTS.analytics, connections, options),
    projector: new HttpClient(PORTS['analytics-projector'], connections, options),
  };
}
export type Clients = ReturnType<typeof clientsFor>;

export async function closeAll(clients: Clients): Promise<void> {
  await Promise.all(Object.values(clients).map((c) => c.close()));
}

export async function placeOrder(
  orders: HttpClient,
  account: Account,
  items: OrderItem[],
): Promise<HttpResponse<PlacedOrder>> {
  return orders.post<PlacedOrder>(
    '/v1/orders',
    { items, shippingAddress: ADDRESS, channel: 'web' },
    { token: await account.bearer() },
  );
}

export async function pay(
  orders: HttpClient,
  account: Account,
  orderId: string,
  amount: number,
): Promise<HttpResponse<{ status: string }>> {
  return orders.post<{ status: string }>(
    `/v1/orders/${orderId}/payments`,
    { amount, method: 'card' },
    { token: await account.bearer() },
  );
}

const DECIDED = new Set(['CONFIRMED', 'REJECTED']);
const LONG_POLL_MS = 5000;
const POLL_INTERVAL_MS = 20;

/** Whether orders refused the long-poll parameters (400); then plain polling is used from there on. */
let longPollRefused = false;
export const longPollMode = () => (longPollRefused ? 'polling (waitFor refused with 400)' : 'waitFor');

export interface Decision {
  /** CONFIRMED or REJECTED; an HTTP status when the GET failed; "timeout" when undecided in time. */
  outcome: string | number;
  polls: number;
}

/**
 * Waits for CONFIRMED or REJECTED as a shopper would: the long poll
 * `GET /v1/orders/:id?waitFor=CONFIRMED,REJECTED&timeoutMs=5000`; if orders refuses it (400) plain
 * GETs every 20 ms; and if it answers a state not waited for at once (no long poll on the server),
 * it asks again after 20 ms.
 */
export async function awaitDecision(
  orders: HttpClient,
  account: Account,
  orderId: string,
  timeoutMs: number,
): Promise<Decision> {
  const deadline = performance.now() + timeoutMs;
  let polls = 0;
  while (performance.now() < deadline) {
    const path = longPollRefused
      ? `/v1/orders/${orderId}`
      : `/v1/orders/${orderId}?waitFor=CONFIRMED,REJECTED&timeoutMs=${LONG_POLL_MS}`;
    const asked = performance.now();
    const answer = await orders.get<OrderView>(path, { token: await account.bearer() });
    polls++;
    if (answer.status === 400 && !longPollRefused) {
      longPollRefused = true;
      continue;
    }
    if (answer.status !== 200) return { outcome: answer.status, polls };
    if (DECIDED.has(answer.body.status)) return { outcome: answer.body.status, polls };
    if (performance.now() - asked < LONG_POLL_MS / 2) await sleep(POLL_INTERVAL_MS);
  }
  return { outcome: 'timeout', polls };
}
