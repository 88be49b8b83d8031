import {
  addCalendarMonths,
  ANALYTICS_SETTINGS,
  AnalyticsSettings,
  calendarMonthsBetween,
  CohortsView,
  dayOf,
  defaultCohortMonths,
  LifecycleMemberPage,
  LifecycleQueries,
  LifecycleView,
  RepurchaseView,
} from '@ecom/analytics-read-models';
import { InvalidCommandError } from '@ecom/event-sourcing';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Cached, checkDay, resolveDayRange } from './cached-route';
import type {
  CohortsQueryDto,
  LifecycleMembersQueryDto,
  LifecycleQueryDto,
  RepurchaseQueryDto,
} from './lifecycle.dto';
import { QueryCache } from './query-cache';

const MAX_COHORTS = 36;
/** Days and months before it are refused: the database has no year 0, and no analytics fact is older. */
const EARLIEST_DAY = '1970-01-01';

/**
 * Lifecycle stages, repurchase per category and cohort retention, as of today in ANALYTICS_TZ
 * (the analytics clock: ANALYTICS_FIXED_NOW when set). Answers are cached under the read models'
 * version and the resolved as-of day, so a new day or a new fact gives a new answer.
 */
@Injectable()
export class LifecycleService {
  private readonly queries: LifecycleQueries;
  private readonly fixedNow: Date | null;

  constructor(
    dataSource: DataSource,
    private readonly cache: QueryCache,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
  ) {
    this.queries = new LifecycleQueries(dataSource, settings.lifecycle);
    this.fixedNow = settings.fixedNow;
  }

  private today(): string {
    return dayOf(this.fixedNow ?? new Date(), this.settings.timeZone);
  }

  private asOf(query: LifecycleQueryDto): string {
    const day = query.asOf ?? this.today();
    checkDay('asOf', day, EARLIEST_DAY);
    return day;
  }

  stages(query: LifecycleQueryDto): Promise<Cached<LifecycleView>> {
    const asOfDay = this.asOf(query);
    return this.cache.get(`lifecycle:${asOfDay}`, () => this.queries.stages(asOfDay));
  }

  members(query: LifecycleMembersQueryDto): Promise<Cached<LifecycleMemberPage>> {
    const options = {
      asOfDay: this.asOf(query),
      stage: query.stage,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    };
    return this.cache.get(`lifecycle-members:${JSON.stringify(options)}`, () =>
      this.queries.members(options),
    );
  }

  repurchase(query: RepurchaseQueryDto): Promise<Cached<RepurchaseView>> {
    const { from, to } = resolveDayRange(query, this.today(), 365, EARLIEST_DAY);
    return this.cache.get(`repurchase:${from}:${to}`, () => this.queries.repurchase({ from, to }));
  }

  cohorts(query: CohortsQueryDto): Promise<Cached<CohortsView>> {
    const asOfDay = this.today();
    const to = query.to ?? defaultCohortMonths(asOfDay).to;
    const from = query.from ?? addCalendarMonths(to, -11);
    for (const [name, month] of [
      ['to', to],
      ['from', from],
    ] as const) {
      if (month < EARLIEST_DAY.slice(0, 7))
        throw new InvalidCommandError(`${name} must be ${EARLIEST_DAY.slice(0, 7)} or later`);
    }
    if (from > to) throw new InvalidCommandError('from must not be after to');
    if (calendarMonthsBetween(from, to) + 1 > MAX_COHORTS)
      throw new InvalidCommandError(`from..to covers at most ${MAX_COHORTS} months`);
    const horizon = query.months ?? 12;
    return this.cache.get(`cohorts:${asOfDay}:${from}:${to}:${horizon}`, () =>
      this.queries.cohorts({ from, to, asOfDay, horizon }),
    );
  }
}
