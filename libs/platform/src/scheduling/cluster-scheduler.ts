import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'crypto';
import type Redis from 'ioredis';
import type { ServiceDescriptor } from '../config/service-descriptor';
import { REDIS, SERVICE_DESCRIPTOR } from '../tokens';

/**
 * Periodic jobs that must run once per interval across all replicas of a service, not once per
 * replica: each tick, the replica that wins a Redis lock living just under the interval runs the job.
 * A job still running on this replica is not started again. Shutdown stops the timers and waits for
 * the jobs in flight.
 */
@Injectable()
export class ClusterScheduler implements OnApplicationShutdown {
  private readonly logger = new Logger('ClusterScheduler');
  private readonly instance = randomUUID();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_DESCRIPTOR) private readonly service: ServiceDescriptor,
  ) {}

  /** Schedules `job` every `intervalMs` (nothing when intervalMs <= 0). */
  every(
    name: string,
    intervalMs: number,
    job: () => Promise<unknown>,
    options: { when?: () => boolean } = {},
  ): void {
    if (intervalMs <= 0) return;
    const timer = setInterval(() => {
      if (options.when && !options.when()) return;
      void this.runOnce(name, intervalMs, job);
    }, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }

  /** Runs the job if this replica wins this interval's lock; returns whether it ran. */
  async runOnce(name: string, intervalMs: number, job: () => Promise<unknown>): Promise<boolean> {
    if (this.inFlight.has(name)) return false;
    // Slightly shorter than the interval, so the next tick (timers drift) finds the lock expired.
    const lockMs = Math.max(100, intervalMs - Math.min(1000, Math.floor(intervalMs / 20)));
    const run = (async () => {
      const won = await this.redis.set(
        `schedule:${this.service.name}:${name}`,
        this.instance,
        'PX',
        lockMs,
        'NX',
      );
      if (won !== 'OK') return false;
      await job();
      return true;
    })();
    this.inFlight.set(name, run);
    try {
      return await run;
    } catch (error) {
      this.logger.error(`${name} run failed: ${(error as Error).message}`);
      return false;
    } finally {
      this.inFlight.delete(name);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.allSettled([...this.inFlight.values()]);
  }
}
