/**
 * What the stack says about itself: consumer lag in each app's /health/ready, and the projector's
 * lag gauges on :3006/metrics (sampled during load).
 */
import { errorCode, HttpClient } from './http';
import { sleep, Ticker } from './progress';
import { AppName, APPS, PORTS } from './stack';

interface Ready {
  info?: {
    kafka?: { consumers?: { name: string; lag: number }[] };
    projector?: { lagEvents: number; lagSeconds: number };
  };
}

/** Messages every consumer of the apps (default: the stack) still has to handle, and the apps that did not say. */
export async function consumerLag(
  apps: readonly AppName[] = APPS.map((a) => a.name),
): Promise<{ lag: number; silent: string[] }> {
  let lag = 0;
  const silent: string[] = [];
  for (const app of APPS.filter((a) => apps.includes(a.name))) {
    const client = new HttpClient(app.port, 1);
    try {
      const answer = await client.get<Ready>('/health/ready');
      if (answer.status !== 200) silent.push(`${app.name} (${answer.status})`);
      for (const consumer of answer.body.info?.kafka?.consumers ?? []) lag += consumer.lag;
      lag += answer.body.info?.projector?.lagEvents ?? 0;
    } catch (error) {
      silent.push(`${app.name} (${errorCode(error)})`);
    } finally {
      await client.close();
    }
  }
  return { lag, silent };
}

/**
 * Waits until every consumer of the apps is caught up (`readings` in a row, `intervalMs` apart;
 * default the whole stack, twice, half a second apart), so that the work a load phase caused
 * downstream (reservations, points, analytics) is inside the measured window.
 */
export async function waitQuiet(
  timeoutMs: number,
  {
    apps,
    readings = 2,
    intervalMs = 500,
  }: { apps?: readonly AppName[]; readings?: number; intervalMs?: number } = {},
): Promise<{ waitedMs: number; quiet: boolean }> {
  const started = Date.now();
  let state = { lag: 0, silent: [] as string[] };
  let zeroes = 0;
  const ticker = new Ticker(
    'settling',
    () =>
      `consumer lag ${state.lag} messages${state.silent.length ? `; not ready: ${state.silent.join(', ')}` : ''}`,
  ).start();
  try {
    while (Date.now() - started < timeoutMs) {
      state = await consumerLag(apps);
      zeroes = state.lag === 0 && state.silent.length === 0 ? zeroes + 1 : 0;
      if (zeroes >= readings) return { waitedMs: Date.now() - started, quiet: true };
      await sleep(intervalMs);
    }
    return { waitedMs: Date.now() - started, quiet: false };
  } finally {
    ticker.stop();
  }
}

function gauge(text: string, name: string): number | undefined {
  let max: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) max = Math.max(max ?? value, value);
  }
  return max;
}

/** Samples analytics_projector_lag_seconds / _events every `intervalMs` until stopped. */
export class ProjectorLagSampler {
  readonly seconds: number[] = [];
  readonly events: number[] = [];
  private running = false;
  private loop?: Promise<void>;
  private readonly client = new HttpClient(PORTS['analytics-projector'], 1);

  start(intervalMs = 250): this {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const asked = Date.now();
        try {
          const answer = await this.client.get<string>('/metrics');
          if (answer.status === 200) {
            const seconds = gauge(answer.body, 'analytics_projector_lag_seconds');
            const events = gauge(answer.body, 'analytics_projector_lag_events');
            if (seconds !== undefined) this.seconds.push(seconds);
            if (events !== undefined) this.events.push(events);
          }
        } catch {
          // A missed sample (projector restarting) is just missing.
        }
        await sleep(Math.max(0, intervalMs - (Date.now() - asked)));
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.client.close();
  }
}
