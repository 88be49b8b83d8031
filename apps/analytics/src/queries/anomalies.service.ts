import {
  ANALYTICS_SETTINGS,
  AnalyticsClock,
  AnalyticsSettings,
  AnomalyQueries,
  dayOf,
} from '@ecom/analytics-read-models';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AnomaliesQueryDto } from './anomalies.dto';
import { resolveDayRange } from './cached-route';
import { QueryCache } from './query-cache';

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
    return resolveDayRange(query, dayOf(this.clock.now(), this.settings.timeZone), 7);
  }
}
