import {
  addDays,
  ANALYTICS_SETTINGS,
  AnalyticsClock,
  AnalyticsSettings,
  AnomalyQueries,
  dayOf,
  daysBetween,
  isDay,
} from '@ecom/analytics-read-models';
import { InvalidCommandError } from '@ecom/event-sourcing';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AnomaliesQueryDto } from './anomalies.dto';
import { QueryCache } from './query-cache';

const MAX_RANGE_DAYS = 366;

/** The anomaly alerts from the projector's read model, cached like the other hot queries. */
@Injectable()
export class AnomaliesService {
  private readonly queries: AnomalyQueries;

  constructor(
    dataSource: DataSource,
    private readonly cache: QueryCache,
    private readonly clock: AnalyticsClock,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
  ) {
    this.queries = new AnomalyQueries(dataSource, settings.timeZone);
  }

  list(query: AnomaliesQueryDto) {
    const state = query.state ?? 'open';
    // Every open alert unless a range is asked for; all alerts over 7 days ending today by default.
    const range = state === 'open' && !query.from && !query.to ? null : this.range(query);
    return this.cache.get(`anomalies:${state}:${range?.from ?? '*'}:${range?.to ?? '*'}`, () =>
      this.queries.list({ state, ...range }),
    );
  }

  private range(query: AnomaliesQueryDto): { from: string; to: string } {
    const to = query.to ?? dayOf(this.clock.now(), this.settings.timeZone);
    const from = query.from ?? addDays(to, -6);
    for (const [name, value] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (!isDay(value)) throw new InvalidCommandError(`${name} is not a calendar day: ${value}`);
    }
    if (from > to) throw new InvalidCommandError('from must not be after to');
    if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS)
      throw new InvalidCommandError(`a range covers at most ${MAX_RANGE_DAYS} days`);
    return { from, to };
  }
}
