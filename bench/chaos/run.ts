/**
 * `npm run chaos` (-- --shoppers N --seconds S [--no-kafka-restart]): the fault suite. While shoppers place and pay orders
 * against the running stack (started when none runs), it kills each app with SIGKILL in turn and
 * starts it again, then restarts the Kafka broker, watching readiness all along. Then it lets the
 * Redis unreachable for a while (the apps reach Redis through a TCP proxy this run owns, so other
 * users of the machine's Redis are unaffected), then restarts the Kafka broker, watching readiness
 * all along. Then it lets the stack settle and checks what must hold: every accepted order exists and
 * reached a decided state, every paid answer is PAID, no SKU is oversold, every paid order is in the
 * analytics facts exactly once, no outbox holds an event, readiness answered (never hung) and stayed
 * ready with Redis and then Kafka reported degraded while each was down, nothing answered 500 while
 * Redis was down, and every analytics read model equals a rebuild from the topics. Prints what it did
 * and what held; exits 1 if anything did not.
 */
import '../analytics/quiet';
import { readModelDigests } from '@ecom/analytics-read-models';
import { TcpProxy } from '@ecom/testing';
import { spawn, spawnSync } from 'child_process';
import { openSync } from 'fs';
import { join } from 'path';
import {
  Account,
  awaitDecision,
  clientsFor,
  closeAll,
  Clients,
  OrderView,
  pay,
  placeOrder,
} from '../lib/api';
import { connect } from '../lib/pg';
import { info, phase, sleep, warn } from '../lib/progress';
import { seedShop, Shop } from '../lib/seed';
import { APPS, AppName, ensureStack, PORTS, recordedPid, ROOT, stopApp, waitReady } from '../lib/stack';
import { waitQuiet } from '../lib/stack-metrics';

interface Accepted {
  id: string;
  total: number;
  account: Account;
  sku: string;
  quantity: number;
  /** What the shopper learnt: the decision, and the payment answer (status) when it paid. */
  decision?: string | number;
  payment?: number;
}

const DECIDED = new Set(['PAID', 'REJECTED', 'CANCELLED', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'COMPLETED']);
const UNITS_PER_SKU = 150;

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Apps this run started with its Redis proxy in REDIS_URL: they must not outlive the proxy. */
const appsOnProxy = new Set<AppName>();
/** Apps stopped so that nothing is published while the read models are compared with a rebuild. */
const stoppedForComparison = new Set<AppName>();

/** Starts the app the way stack.sh does (same log, same pid file), with `env` on top of ours. */
async function startApp(app: AppName, env: NodeJS.ProcessEnv): Promise<number> {
  if (env.REDIS_URL) appsOnProxy.add(app);
  else appsOnProxy.delete(app);
  const log = openSync(join(ROOT, '.stack', 'logs', `${app}.log`), 'a');
  const child = spawn('node', [`dist/apps/${app}/src/main.js`], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ...env },
  });
  child.unref();
  spawnSync('bash', ['-c', `echo ${child.pid} > .stack/pids/${app}.pid`], { cwd: ROOT });
  await waitReady([app], 120_000);
  return child.pid!;
}

/** SIGKILL, then the app started again with `env` (the restarted apps reach Redis through the proxy). */
async function killAndRestart(app: AppName, env: NodeJS.ProcessEnv): Promise<void> {
  const pid = recordedPid(app);
  if (pid === undefined) throw new Error(`${app} is not running`);
  process.kill(pid, 'SIGKILL');
  info(`kill -9 ${app} (pid ${pid})`);
  await sleep(1500);
  info(`${app} restarted (pid ${await startApp(app, env)}) and ready`);
}

/** Stops the app running under its recorded pid: SIGTERM, up to 30 s to finish, then SIGKILL. */
async function stopRecordedApp(app: AppName): Promise<void> {
  const pid = recordedPid(app);
  if (pid !== undefined) await stopApp(app, pid, 30_000);
}

/** What the shoppers' order and payment requests answered, per window of the run. */
class AnswerTally {
  window = 'start';
  readonly byWindow = new Map<string, Map<string, number>>();

  record(outcome: number | string): void {
    const seen = this.byWindow.get(this.window) ?? new Map<string, number>();
    seen.set(String(outcome), (seen.get(String(outcome)) ?? 0) + 1);
    this.byWindow.set(this.window, seen);
  }

  describe(window: string): string {
    const seen = this.byWindow.get(window);
    return seen ? [...seen].map(([k, n]) => `${k}: ${n}`).join(', ') : 'no requests';
  }
}

/**
 * Readiness of every app every 500 ms, each probe cut at 5 s: what it answered, which dependencies its
 * details called degraded, and whether it hung (on this shared 2-core machine a loaded app may take a
 * second or two to answer; 5 s is a hang).
 */
class ReadinessWatch {
  readonly answers = new Map<AppName, Map<string, number>>();
  /** Dependencies an app's readiness details said were `degraded` (Kafka, Redis: it stays ready). */
  readonly degraded = new Map<AppName, Set<string>>();
  /** Probes that got no answer within 5 s: which app, when. */
  readonly hung: string[] = [];
  private timer?: NodeJS.Timeout;

  start(): this {
    this.timer = setInterval(() => void this.probe(), 500);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Forgets the answers seen so far (to look at one window, e.g. a Kafka outage). */
  reset(): void {
    this.answers.clear();
    this.degraded.clear();
  }

  /** What was seen since the last reset: the answers and the degraded dependencies of each app. */
  snapshot(): { answers: Map<AppName, Map<string, number>>; degraded: Map<AppName, Set<string>> } {
    return { answers: new Map(this.answers), degraded: new Map(this.degraded) };
  }

  private async probe(): Promise<void> {
    await Promise.all(
      APPS.map(async ({ name }) => {
        let outcome: string;
        try {
          const response = await fetch(`http://127.0.0.1:${PORTS[name]}/health/ready`, {
            signal: AbortSignal.timeout(5000),
          });
          outcome = String(response.status);
          const body = (await response.json().catch(() => undefined)) as
            { details?: Record<string, { status?: string }> } | undefined;
          for (const [dependency, detail] of Object.entries(body?.details ?? {})) {
            if (detail?.status !== 'degraded') continue;
            const seen = this.degraded.get(name) ?? new Set<string>();
            seen.add(dependency);
            this.degraded.set(name, seen);
          }
        } catch (error) {
          const hung = (error as Error).name === 'TimeoutError';
          if (hung) this.hung.push(`${name} at ${new Date().toISOString().slice(11, 19)}`);
          outcome = hung ? 'hung' : 'refused';
        }
        const seen = this.answers.get(name) ?? new Map<string, number>();
        seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
        this.answers.set(name, seen);
      }),
    );
  }
}

async function shop(
  clients: Clients,
  shopData: Shop,
  accepted: Accepted[],
  tally: AnswerTally,
  until: () => boolean,
  n: number,
) {
  let seq = n;
  while (!until()) {
    const account = shopData.customers[seq % shopData.customers.length];
    const sku = shopData.skus[seq % shopData.skus.length];
    seq += 7;
    const quantity = 1 + (seq % 3);
    let answer;
    try {
      answer = await placeOrder(clients.orders, account, [{ sku: sku.code, quantity }]);
      tally.record(answer.status);
    } catch (error) {
      tally.record((error as Error).name === 'TimeoutError' ? 'hung' : 'refused');
      await sleep(200); // the app is down: a storefront retries later
      continue;
    }
    if (answer.status !== 202) {
      await sleep(answer.status >= 500 ? 200 : 50);
      continue;
    }
    const order: Accepted = {
      id: answer.body.id,
      total: answer.body.total,
      account,
      sku: sku.code,
      quantity,
    };
    accepted.push(order);
    try {
      order.decision = (await awaitDecision(clients.orders, account, order.id, 30_000)).outcome;
      if (order.decision === 'CONFIRMED') {
        order.payment = (await pay(clients.orders, account, order.id, order.total)).status;
        tally.record(order.payment);
      }
    } catch {
      // orders restarted mid-request: the checks below find out what became of the order
    }
  }
}

async function main(): Promise<void> {
  const shoppers = argument('shoppers', 16);
  const seconds = argument('seconds', 60);
  // The test suite's short run leaves the shared broker alone: other suites use it at the same time.
  const restartKafka = !process.argv.includes('--no-kafka-restart');
  const runId = `chaos${Date.now().toString(36)}`;
  const stack = await ensureStack();
  // Apps restarted by this run reach Redis through a proxy it can cut (the machine's Redis stays up for others).
  const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const redisProxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
  await redisProxy.start();
  const proxiedRedis = new URL(redisUrl);
  proxiedRedis.hostname = '127.0.0.1';
  proxiedRedis.port = String(redisProxy.port);
  const appEnv = { REDIS_URL: proxiedRedis.toString() };
  const tally = new AnswerTally();
  const clients = clientsFor(shoppers + 4, { waitWhenRefused: true });
  const failures: string[] = [];
  const check = (ok: boolean, what: string, detail = '') => {
    console.log(`- ${ok ? 'ok' : 'FAILED'}: ${what}${detail ? ` (${detail})` : ''}`);
    if (!ok) failures.push(what);
  };
  try {
    phase(`seeding: 4 SKUs with ${UNITS_PER_SKU} units each, ${Math.max(8, shoppers)} members`);
    const seeded = await seedShop(clients, {
      runId,
      products: 2,
      skusPerProduct: 2,
      unitsPerSku: UNITS_PER_SKU,
      members: Math.max(8, shoppers),
    });

    phase(
      `${shoppers} shoppers while each app is killed and restarted, Redis is unreachable${restartKafka ? ', then Kafka restarts' : ''}`,
    );
    const accepted: Accepted[] = [];
    let stopped = false;
    const load = Promise.all(
      Array.from({ length: shoppers }, (_, i) => shop(clients, seeded, accepted, tally, () => stopped, i)),
    );
    const watch = new ReadinessWatch().start();
    // The shoppers go on through every fault; `seconds` is spread over the pauses between faults.
    const pause = Math.max(2000, (seconds * 1000) / (APPS.length + 2));
    tally.window = 'app kills';
    for (const { name } of APPS) {
      await sleep(pause);
      await killAndRestart(name, appEnv);
      info(`${accepted.length} orders accepted so far`);
    }
    await sleep(pause);

    // Every app now reaches Redis through the proxy: cut it.
    watch.reset();
    tally.window = 'redis down';
    redisProxy.cut();
    info('Redis unreachable for the apps (proxy cut)');
    await sleep(8000);
    const duringRedisOutage = watch.snapshot();
    redisProxy.restore();
    tally.window = 'redis back';
    info(`Redis reachable again; answers while it was down: ${tally.describe('redis down')}`);
    await sleep(pause);
    watch.reset();
    tally.window = 'kafka down';
    if (restartKafka) {
      spawnSync('bash', ['infra/kafka/kafka.sh', 'stop'], { cwd: ROOT, stdio: 'ignore' });
      info('Kafka broker stopped');
      await sleep(8000);
    }
    const duringKafkaOutage = watch.snapshot();
    if (restartKafka) {
      spawnSync('bash', ['infra/kafka/kafka.sh', 'start'], { cwd: ROOT, stdio: 'ignore' });
      info('Kafka broker started again');
    }
    tally.window = 'end';
    await sleep(pause);
    stopped = true;
    await load.catch((error) => warn(`a shopper failed: ${(error as Error).message}`));
    watch.stop();

    phase('letting the stack settle (every app ready, no consumer lag, empty outboxes)');
    await waitReady(undefined, 180_000);
    const outboxes = async () => {
      let total = 0;
      for (const db of ['ecom_catalog', 'ecom_orders', 'ecom_inventory', 'ecom_members', 'ecom_analytics']) {
        const client = await connect(db);
        try {
          total += Number((await client.query(`SELECT count(*) AS n FROM es_outbox`)).rows[0].n);
        } finally {
          await client.end();
        }
      }
      return total;
    };
    const settleBy = Date.now() + 180_000;
    const finalStates = new Map<string, string>();
    for (;;) {
      finalStates.clear();
      for (const order of accepted) {
        const answer = await clients.orders.get<OrderView>(`/v1/orders/${order.id}`, {
          token: await order.account.bearer(),
        });
        finalStates.set(order.id, answer.status === 200 ? answer.body.status : `HTTP ${answer.status}`);
      }
      const undecided = [...finalStates.values()].filter((s) => !DECIDED.has(s)).length;
      if ((undecided === 0 && (await outboxes()) === 0) || Date.now() > settleBy) break;
      info(`${undecided} orders still undecided; waiting`);
      await sleep(3000);
    }

    phase('what held');
    const paid = accepted.filter((o) => finalStates.get(o.id) === 'PAID');
    console.log(
      `${accepted.length} orders accepted (202), ${paid.length} paid; apps killed: ${APPS.map((a) => a.name).join(', ')}; Kafka ${restartKafka ? 'restarted once' : 'left alone'}`,
    );
    const lost = accepted.filter((o) => finalStates.get(o.id)?.startsWith('HTTP'));
    check(lost.length === 0, 'every accepted order exists', `${lost.length} missing`);
    const undecided = accepted.filter((o) => !DECIDED.has(finalStates.get(o.id) ?? ''));
    check(undecided.length === 0, 'every accepted order reached a decided state', `${undecided.length} not`);
    const paidAnswerNotPaid = accepted.filter((o) => o.payment === 201 && finalStates.get(o.id) !== 'PAID');
    check(
      paidAnswerNotPaid.length === 0,
      'every 201 payment answer is a PAID order',
      `${paidAnswerNotPaid.length} not`,
    );

    const operator = await seeded.operator.bearer();
    let oversold = 0;
    for (const sku of seeded.skus) {
      const stock = await clients.inventory.get<{ onHand: number; reserved: number; available: number }>(
        `/v1/stock/${sku.code}`,
        { token: operator },
      );
      const holding = accepted
        .filter((o) => o.sku === sku.code && ['CONFIRMED', 'PAID'].includes(finalStates.get(o.id) ?? ''))
        .reduce((sum, o) => sum + o.quantity, 0);
      const { onHand, reserved, available } = stock.body;
      if (available < 0 || reserved > onHand || holding > UNITS_PER_SKU) {
        oversold++;
        warn(`${sku.code}: on hand ${onHand}, reserved ${reserved}, held by decided orders ${holding}`);
      }
    }
    check(
      oversold === 0,
      'no SKU oversold (reserved <= on hand, decided orders within the stock)',
      `${oversold} SKUs`,
    );

    const analytics = await connect('ecom_analytics');
    try {
      const expected = paid.reduce((sum, o) => sum + o.total, 0);
      const facts = async () =>
        (
          await analytics.query(
            `SELECT count(*)::int AS n, count(DISTINCT order_id)::int AS orders, coalesce(sum(amount), 0)::bigint AS amount
               FROM an_orders_paid WHERE order_id::text = ANY($1::text[])`,
            [paid.map((o) => o.id)],
          )
        ).rows[0] as { n: number; orders: number; amount: string };
      // The projector restarted last: it catches up on its backlog first.
      let rows = await facts();
      for (
        const until = Date.now() + 120_000;
        rows.n < paid.length && Date.now() < until;
        rows = await facts()
      ) {
        info(`the projector has ${rows.n} of ${paid.length} paid orders; waiting`);
        await sleep(3000);
      }
      check(
        rows.n === paid.length && rows.orders === paid.length && Number(rows.amount) === expected,
        'every paid order counted in the analytics facts exactly once',
        `${rows.n} facts for ${paid.length} paid orders, ${rows.amount} of ${expected} minor units`,
      );
    } finally {
      await analytics.end();
    }
    check((await outboxes()) === 0, 'no event left in any outbox');
    check(
      watch.hung.length === 0,
      'readiness probes always answered within 5 s',
      watch.hung.join(', ') || 'none hung',
    );
    // Kafka and Redis are shared by every pod: readiness stays 200 (the apps keep serving what needs
    // only their database) and the health details say which dependency is degraded.
    const reportedOutage = (seen: ReturnType<ReadinessWatch['snapshot']>, dependency: string) => {
      const unready = [...seen.answers].flatMap(([app, answers]) =>
        [...answers.keys()].filter((s) => s !== '200').map((s) => `${app} answered ${s}`),
      );
      const degraded = [...seen.degraded].filter(([, d]) => d.has(dependency)).map(([app]) => app);
      return {
        held: unready.length === 0 && degraded.length > 0,
        detail: `${dependency} degraded in ${degraded.join(', ') || 'no app'}; ${unready.join(', ') || 'every answer 200'}`,
      };
    };
    if (restartKafka) {
      const kafka = reportedOutage(duringKafkaOutage, 'kafka');
      check(
        kafka.held,
        'readiness reported the Kafka outage (every app stayed ready, its health detail said Kafka degraded)',
        kafka.detail,
      );
    }
    const redis = reportedOutage(duringRedisOutage, 'redis');
    check(
      redis.held,
      'readiness reported the Redis outage (every app stayed ready, its health detail said Redis degraded)',
      redis.detail,
    );
    const redisAnswers = tally.byWindow.get('redis down') ?? new Map<string, number>();
    check(
      !redisAnswers.has('500') && !redisAnswers.has('hung'),
      'no order or payment answered 500 or hung while Redis was down',
      tally.describe('redis down'),
    );
    const afterRedis = tally.byWindow.get('redis back') ?? new Map<string, number>();
    check(
      (afterRedis.get('202') ?? 0) > 0,
      'orders were accepted again once Redis was back',
      tally.describe('redis back'),
    );

    phase('comparing every analytics read model with a rebuild from the topics');
    await compareWithRebuild(clients, seeded.operator, appEnv, check);
  } finally {
    await redisProxy.stop();
    await closeAll(clients);
    // The apps it started run under new pids after their restarts: stop those, and wait for them, so
    // that a run right after starts a stack of its own. Apps it found running and restarted reach
    // Redis through the proxy that just stopped: they are started again as they were.
    for (const { name: app } of APPS) {
      if (stack.started.includes(app)) {
        await stopRecordedApp(app);
      } else if (appsOnProxy.has(app) || stoppedForComparison.has(app)) {
        await stopRecordedApp(app);
        info(`${app} started again on Redis itself (pid ${await startApp(app, {})})`);
      }
    }
  }
  if (failures.length > 0) {
    console.log(`\nchaos: ${failures.length} check(s) failed`);
    process.exit(1);
  }
  console.log('\nchaos: everything held');
}

/**
 * The live read models against a rebuild, at a point where both have seen the same events: the apps
 * that publish on their own are stopped (the payment timeouts of earlier runs' unpaid orders cancel
 * them and give stock back: events that reached the rebuild but not the live digest made one run
 * fail), the projector applies what is on the topics, RFM is recomputed live (the rebuild recomputes
 * it at its own instant), the projector is stopped, digests of every table, `npm run
 * analytics:rebuild`, digests again, the projector started again (the other apps at the end).
 */
async function compareWithRebuild(
  clients: Clients,
  operator: Account,
  appEnv: NodeJS.ProcessEnv,
  check: (ok: boolean, what: string, detail?: string) => void,
): Promise<void> {
  for (const app of PUBLISHERS) {
    await stopRecordedApp(app);
    stoppedForComparison.add(app);
  }
  info(`stopped ${PUBLISHERS.join(', ')}; waiting for the projector to apply what they published`);
  // Every consumer of the projector caught up, three readings in a row a second apart.
  const settled = await waitQuiet(120_000, { apps: ['analytics-projector'], readings: 3, intervalMs: 1000 });
  if (!settled.quiet) throw new Error('the projector did not catch up with the topics');
  const recompute = await clients.analytics.post('/v1/analytics/rfm/recompute', undefined, {
    token: await operator.bearer(),
  });
  if (recompute.status !== 200) warn(`live RFM recompute answered ${recompute.status}`);
  const analytics = await connect('ecom_analytics');
  let stopped = false;
  try {
    const sql = {
      query: async (text: string, params?: unknown[]) => (await analytics.query(text, params)).rows,
    };
    await stopRecordedApp('analytics-projector');
    stopped = true;
    const live = await readModelDigests(sql);
    info('projector stopped; rebuilding the read models from the topics');
    // Not spawnSync: the rebuild reaches Redis through this process's proxy, which must keep relaying.
    const rebuild = spawn('node', ['-r', '@swc-node/register', 'apps/analytics-projector/src/rebuild.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ...appEnv },
    });
    const status = await new Promise<number | null>((resolve) => rebuild.on('exit', resolve));
    check(status === 0, 'the rebuild ran', `exit code ${status}`);
    const rebuilt = await readModelDigests(sql);
    const differing = Object.keys(live).filter((t) => live[t].md5 !== rebuilt[t]?.md5);
    check(
      differing.length === 0,
      `every analytics read model equals its rebuild (${Object.keys(live).length} tables)`,
      differing.map((t) => `${t}: ${live[t].rows} live rows, ${rebuilt[t]?.rows} rebuilt`).join('; ') ||
        `${Object.values(live).reduce((n, t) => n + t.rows, 0)} rows`,
    );
  } finally {
    await analytics.end();
    if (stopped) info(`projector restarted (pid ${await startApp('analytics-projector', appEnv)}) and ready`);
  }
}

/** The apps whose own schedules publish events (order timeouts, tier reviews, stock re-evaluations). */
const PUBLISHERS: readonly AppName[] = ['catalog', 'orders', 'inventory', 'members'];

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
