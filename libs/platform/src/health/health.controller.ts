import { Public } from '@ecom/auth';
import { KafkaMessageBus } from '@ecom/messaging';
import {
  Controller,
  Get,
  Inject,
  Logger,
  OnModuleDestroy,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import type { ServiceDescriptor } from '../config/service-descriptor';
import { EventSourcingRuntime } from '../event-sourcing/event-sourcing.runtime';
import { reportDependency } from '../metrics/dependency-metrics';
import { REDIS, SERVICE_DESCRIPTOR } from '../tokens';
import { HealthContributors } from './health-contributors';
import { DependencyOutcome, DependencyProbe } from './dependency-probe';

/** How long a dependency's answer is reused: probes, load balancers and scrapes share one check. */
export const DEPENDENCY_CHECK_MAX_AGE_MS = 3000;

/** One dependency in a readiness answer: `degraded` is up to readiness, down for what needs it. */
export type DependencyDetail = { status: 'up' | 'down' | 'degraded' } & Record<string, unknown>;

/** Terminus' answer (status, info, error, details), with Kafka and Redis up or degraded in info and details. */
export type ReadinessAnswer = Omit<HealthCheckResult, 'info' | 'details'> & {
  info?: Record<string, DependencyDetail>;
  details: Record<string, DependencyDetail>;
};

/** What a degraded dependency means for the service's answers, said in its health detail. */
const DEGRADED_IMPACT = {
  kafka: 'events wait in the outbox and are published when Kafka is back; consumers resume then',
  redis: 'requests that need Redis answer 503 with Retry-After; the others are served',
} as const;

/**
 * Readiness means "this pod can serve requests": its database answers (and a consumer that is the
 * service's purpose, the projector's, caught up; and what the service adds). Kafka and Redis are
 * shared by every pod, so taking pods out for them would empty the Service and refuse the requests
 * that do not need them: their trouble is `degraded` in the details and dependency_up on /metrics.
 * Liveness is served before Nest, see bootstrap.
 */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController implements OnModuleDestroy {
  private readonly logger = new Logger('Health');
  private readonly database: DependencyProbe;
  private readonly kafka: DependencyProbe;
  private readonly redisProbe: DependencyProbe;
  private readonly unreported: Array<() => void>;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    dataSource: DataSource,
    bus: KafkaMessageBus,
    private readonly runtime: EventSourcingRuntime,
    private readonly contributors: HealthContributors,
    @Inject(REDIS) redis: Redis,
    @Inject(SERVICE_DESCRIPTOR) service: ServiceDescriptor,
  ) {
    this.database = this.probe('database', 2000, async () => {
      await dataSource.query('SELECT 1');
    });
    this.kafka = this.probe('kafka', 3000, async () => ({ brokers: await bus.ping() }));
    this.redisProbe = this.probe('redis', 2000, async () => {
      // While ioredis reconnects it would queue the command: say so at once instead.
      if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`);
      await redis.ping();
    });
    this.unreported = [this.database, this.kafka, this.redisProbe].map((p) =>
      reportDependency(service.name, p),
    );
  }

  private probe(name: string, timeoutMs: number, check: () => Promise<Record<string, unknown> | void>) {
    let wasUp = true;
    return new DependencyProbe({
      name,
      check,
      timeoutMs,
      maxAgeMs: DEPENDENCY_CHECK_MAX_AGE_MS,
      // One line when a dependency goes away and one when it is back, not one per probe.
      onOutcome: ({ up, message }) => {
        if (up === wasUp) return;
        wasUp = up;
        if (up) this.logger.log(`${name} reachable again`);
        else this.logger.warn(`${name} unreachable: ${message}`);
      },
    });
  }

  onModuleDestroy(): void {
    for (const stop of this.unreported) stop();
  }

  @Get('ready')
  @HealthCheck()
  async ready(): Promise<ReadinessAnswer> {
    const [database, kafka, redis] = await Promise.all([
      this.database.current(),
      this.kafka.current(),
      this.redisProbe.current(),
    ]);
    // One snapshot of the consumers for the whole answer, so that its parts agree, taken after the
    // probes: a probe can wait seconds, and a consumer that started meanwhile must be in the answer.
    const statuses = this.runtime.consumerStatuses();
    const degradable: Record<string, DependencyDetail> = {
      kafka: { ...degradableDetail(kafka, DEGRADED_IMPACT.kafka), consumers: statuses },
      redis: degradableDetail(redis, DEGRADED_IMPACT.redis),
    };
    try {
      return withDegradable(await this.health.check(this.readinessChecks(database, statuses)), degradable);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      throw new ServiceUnavailableException(withDegradable(result, degradable));
    }
  }

  /** What takes the pod out of its Service when down. */
  private readinessChecks(
    database: DependencyOutcome,
    statuses: ReturnType<EventSourcingRuntime['consumerStatuses']>,
  ) {
    return [
      () => {
        const indicator = this.indicators.check('database');
        return database.up
          ? indicator.up({ checkedAt: iso(database) })
          : indicator.down({ message: database.message, checkedAt: iso(database) });
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
      ...this.contributors.all(),
    ];
  }
}

function iso(outcome: DependencyOutcome): string {
  return new Date(outcome.checkedAt).toISOString();
}

/** `up` with what the check reported, or `degraded` with why and what it means for requests. */
function degradableDetail(outcome: DependencyOutcome, impact: string): DependencyDetail {
  return outcome.up
    ? { status: 'up', ...outcome.details, checkedAt: iso(outcome) }
    : { status: 'degraded', message: outcome.message, impact, checkedAt: iso(outcome) };
}

/**
 * Adds the dependencies that never fail readiness to an answer: in `info` (what does not hold the
 * pod back) and `details`, up or degraded; `error` keeps only what makes the pod not ready.
 */
function withDegradable(
  result: HealthCheckResult,
  degradable: Record<string, DependencyDetail>,
): ReadinessAnswer {
  // Terminus types its maps as possibly holding undefined; every entry it writes is a result.
  const info = { ...result.info, ...degradable } as Record<string, DependencyDetail>;
  const details = { ...result.details, ...degradable } as Record<string, DependencyDetail>;
  return { ...result, info, details };
}
