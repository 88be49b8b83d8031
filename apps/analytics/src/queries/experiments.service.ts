import {
  ANALYTICS_SETTINGS,
  AnalyticsClock,
  AnalyticsSettings,
  dayOf,
  ExperimentListView,
  ExperimentQueries,
  ExperimentView,
} from '@ecom/analytics-read-models';
import { InvalidCommandError, NotFoundError } from '@ecom/event-sourcing';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Cached, resolveDayRange } from './cached-route';
import type { ExperimentListQueryDto, ExperimentQueryDto } from './experiments.dto';
import { QueryCache } from './query-cache';

/** An experiment's readout covers the 30 days ending with `to` unless `from` is given. */
const DEFAULT_RANGE_DAYS = 30;

/** A/B test readouts (docs/analytics.md, "A/B test readouts"), cached under the read models' version. */
@Injectable()
export class ExperimentsService {
  private readonly queries: ExperimentQueries;

  constructor(
    dataSource: DataSource,
    private readonly cache: QueryCache,
    private readonly clock: AnalyticsClock,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
  ) {
    this.queries = new ExperimentQueries(dataSource);
  }

  private range(query: { from?: string; to?: string }): { from: string; to: string } {
    return resolveDayRange(query, dayOf(this.clock.now(), this.settings.timeZone), DEFAULT_RANGE_DAYS);
  }

  async readout(key: string, query: ExperimentQueryDto): Promise<Cached<ExperimentView>> {
    const range = this.range(query);
    const currency = query.currency ?? this.settings.currency;
    const options = { experiment: key, ...range, currency, control: query.control };
    const cached = await this.cache.get(`experiment:${JSON.stringify(options)}`, () =>
      this.queries.readout(options),
    );
    const outcome = cached.value;
    if (!outcome.found && outcome.reason === 'EXPERIMENT_NOT_FOUND')
      throw new NotFoundError(`no visitor was ever exposed to experiment ${key}`, 'EXPERIMENT_NOT_FOUND');
    if (!outcome.found)
      throw new InvalidCommandError(
        `control ${query.control} is not a variant of ${key} (variants: ${outcome.variants.join(', ')})`,
        'CONTROL_NOT_A_VARIANT',
      );
    return { value: outcome.view, hit: cached.hit };
  }

  async list(query: ExperimentListQueryDto): Promise<Cached<ExperimentListView>> {
    const range = query.from === undefined && query.to === undefined ? undefined : this.range(query);
    return this.cache.get(`experiments:${range ? `${range.from}:${range.to}` : '*'}`, () =>
      this.queries.list(range),
    );
  }
}
