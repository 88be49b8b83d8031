import { randomSuffix, testInfrastructure } from '@ecom/testing';
import Redis from 'ioredis';
import { ServiceDescriptor } from '../config/service-descriptor';
import { ClusterScheduler } from './cluster-scheduler';

const service: ServiceDescriptor = {
  name: 'scheduler-test',
  database: 'unused',
  envPrefix: 'UNUSED',
  httpPort: 0,
};

describe('ClusterScheduler (Redis)', () => {
  let redis: Redis;
  let replicas: ClusterScheduler[];

  beforeEach(() => {
    redis = new Redis(testInfrastructure().redisUrl, { keyPrefix: `sched-${randomSuffix()}:` });
    replicas = [new ClusterScheduler(redis, service), new ClusterScheduler(redis, service)];
  });
  afterEach(async () => {
    await Promise.all(replicas.map((r) => r.onApplicationShutdown()));
    redis.disconnect();
  });

  it('runs a job on one replica per interval, however many replicas tick', async () => {
    let runs = 0;
    const job = async () => void runs++;
    const ran = await Promise.all([...replicas, ...replicas].map((r) => r.runOnce('job', 400, job)));
    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(runs).toBe(1);
    // Once the interval has passed, the next tick runs it again.
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await replicas[1].runOnce('job', 400, job)).toBe(true);
    expect(runs).toBe(2);
  });

  it('does not start a job again on a replica where it is still running, and keeps jobs apart by name', async () => {
    let release!: () => void;
    const slow = () => new Promise<void>((resolve) => (release = resolve));
    const first = replicas[0].runOnce('slow', 50, slow);
    await new Promise((resolve) => setTimeout(resolve, 250)); // the lock (100 ms at least) has expired, the job has not ended
    expect(await replicas[0].runOnce('slow', 50, slow)).toBe(false);
    expect(await replicas[0].runOnce('other', 50, async () => undefined)).toBe(true);
    release();
    expect(await first).toBe(true);
  });

  it('ticks by itself with every() and reports a failing job without stopping the schedule', async () => {
    let attempts = 0;
    replicas.forEach((r) =>
      r.every('flaky', 100, async () => {
        attempts++;
        if (attempts === 1) throw new Error('first run fails');
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 650));
    // Two replicas ticking every 100 ms for ~650 ms: about 6 runs with the lock, about 12 without.
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(8);
  });
});
