import { Public } from '@ecom/auth';
import { KafkaTopicAdmin } from '@ecom/messaging';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type Redis from 'ioredis';
import { EventSourcingRuntime } from '../event-sourcing/event-sourcing.runtime';
import { REDIS } from '../tokens';
import { HealthContributors } from './health-contributors';

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Readiness (its database, Kafka and Redis answer); liveness is served before Nest, see bootstrap. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly topicAdmin: KafkaTopicAdmin,
    private readonly runtime: EventSourcingRuntime,
    private readonly contributors: HealthContributors,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get('ready')
  @HealthCheck()
  ready() {
    // One snapshot of the consumers for the whole answer, so that its parts agree.
    const statuses = this.runtime.consumerStatuses();
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 2000 }),
      async () => {
        const kafka = this.indicators.check('kafka');
        try {
          const brokers = await this.topicAdmin.ping(3000);
          return kafka.up({ brokers, consumers: statuses });
        } catch (error) {
          return kafka.down({ message: (error as Error).message });
        }
      },
      async () => {
        // A consumer that gates readiness (a projector) is not ready until it caught up once since
        // its start: right after a restart it does not know its lag yet and must not claim 0.
        const consumers = this.indicators.check('consumers');
        const catchingUp = statuses
          .filter((c) => c.readyWhenCaughtUp && !c.caughtUpSinceStart)
          .map((c) => ({ name: c.name, state: c.state, lag: c.lag }));
        return catchingUp.length > 0
          ? consumers.down({ message: 'catching up', catchingUp })
          : consumers.up({
              catchingUp: statuses.filter((c) => c.state !== 'caught-up').map((c) => c.name),
            });
      },
      async () => {
        const redis = this.indicators.check('redis');
        try {
          await withTimeout(this.redis.ping(), 2000, 'Redis');
          return redis.up();
        } catch (error) {
          return redis.down({ message: (error as Error).message });
        }
      },
      ...this.contributors.all(),
    ]);
  }
}
