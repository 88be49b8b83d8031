import {
  addDays,
  ANALYTICS_SETTINGS,
  AnalyticsClock,
  AnalyticsSettings,
  dayOf,
  daysBetween,
  ExperimentListView,
  ExperimentQueries,
  ExperimentView,
  isDay,
} from '@ecom/analytics-read-models';
import { InvalidCommandError, NotFoundError } from '@ecom/event-sourcing';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Cached } from './analytics-query.service';
import type { ExperimentListQueryDto, ExperimentQueryDto } from './experiments.dto';
import { QueryCache } from './query-cache';

const MAX_RANGE_DAYS = 366;
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
    const to = query.to ?? dayOf(this.clock.now(), this.settings.timeZone);
    const from = query.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
    for (const [name, day] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (!isDay(day)) throw new InvalidCommandError(`${name} is not a calendar day: ${day}`);
    }
    if (from > to) throw new InvalidCommandError('from must not be after to');
    if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS)
      throw new InvalidCommandError(`a range covers at most ${MAX_RANGE_DAYS} days`);
    return { from, to };
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
