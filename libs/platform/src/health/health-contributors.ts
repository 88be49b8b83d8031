import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';

/** Extra readiness checks a service adds (e.g. the projector's lag), beside database, Kafka and Redis. */
@Injectable()
export class HealthContributors {
  private readonly checks: Array<() => Promise<HealthIndicatorResult>> = [];

  add(check: () => Promise<HealthIndicatorResult>): void {
    this.checks.push(check);
  }

  all(): Array<() => Promise<HealthIndicatorResult>> {
    return [...this.checks];
  }
}
