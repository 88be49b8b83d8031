import {
  addDays,
  addCalendarMonths,
  ANALYTICS_SETTINGS,
  AnalyticsSettings,
  calendarMonthsBetween,
  CohortsView,
  dayOf,
  daysBetween,
  defaultCohortMonths,
  isDay,
  LifecycleMemberPage,
  LifecycleQueries,
  LifecycleView,
  RepurchaseView,
} from '@ecom/analytics-read-models';
import { InvalidCommandError } from '@ecom/event-sourcing';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Cached } from './analytics-query.service';
import type {
  CohortsQueryDto,
  LifecycleMembersQueryDto,
  LifecycleQueryDto,
  RepurchaseQueryDto,
} from './lifecycle.dto';
import { QueryCache } from './query-cache';

const MAX_RANGE_DAYS = 366;
const MAX_COHORTS = 36;
/** Days and months before it are refused: the database has no year 0, and no analytics fact is older. */
const EARLIEST_DAY = '1970-01-01';

function checkDay(name: string, day: string): void {
  if (!isDay(day)) throw new InvalidCommandError(`${name} is not a calendar day: ${day}`);
  if (day < EARLIEST_DAY) throw new InvalidCommandError(`${name} must be ${EARLIEST_DAY} or later`);
}

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
    checkDay('asOf', day);
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
    const to = query.to ?? this.today();
    const from = query.from ?? addDays(to, -364);
    checkDay('from', from);
    checkDay('to', to);
    if (from > to) throw new InvalidCommandError('from must not be after to');
    if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS)
      throw new InvalidCommandError(`a range covers at most ${MAX_RANGE_DAYS} days`);
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
