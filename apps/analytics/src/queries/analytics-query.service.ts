import {
  ANALYTICS_SETTINGS,
  AnalyticsClock,
  AnalyticsSettings,
  dayOf,
  findSegment,
  FunnelQueries,
  MatrixQueries,
  recomputeRfm,
  RfmMemberListView,
  RfmQueries,
  SalesQueries,
  StockWarningQueries,
} from '@ecom/analytics-read-models';
import { InvalidCommandError, NotFoundError } from '@ecom/event-sourcing';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Cached, resolveDayRange } from './cached-route';
import { QueryCache } from './query-cache';
import type {
  FunnelQueryDto,
  MatrixQueryDto,
  RangeQueryDto,
  RfmListQueryDto,
  SalesQueryDto,
  StockWarningsQueryDto,
} from './query.dto';

/**
 * The operator queries: ranges resolved in ANALYTICS_TZ, answers cached briefly in Redis, each read
 * model answered by its own queries from @ecom/analytics-read-models.
 */
@Injectable()
export class AnalyticsQueryService {
  private readonly rfmQueries: RfmQueries;
  private readonly funnelQueries: FunnelQueries;
  private readonly stockWarningQueries: StockWarningQueries;
  private readonly salesQueries: SalesQueries;
  private readonly matrixQueries: MatrixQueries;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: QueryCache,
    private readonly clock: AnalyticsClock,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
  ) {
    this.rfmQueries = new RfmQueries(dataSource, settings);
    this.funnelQueries = new FunnelQueries(dataSource);
    this.stockWarningQueries = new StockWarningQueries(dataSource);
    this.salesQueries = new SalesQueries(dataSource, settings);
    this.matrixQueries = new MatrixQueries(dataSource, settings);
  }

  /** from/to as days; `to` defaults to today, `from` to `defaultDays` days back including `to`. */
  private range(query: RangeQueryDto, defaultDays: number): { from: string; to: string } {
    return resolveDayRange(query, dayOf(this.clock.now(), this.settings.timeZone), defaultDays);
  }

  async rfmSegments() {
    return this.cache.get('rfm-segments', () => this.rfmQueries.segments());
  }

  async rfmMembers(query: RfmListQueryDto): Promise<Cached<RfmMemberListView>> {
    const segment = query.segment === undefined ? undefined : findSegment(query.segment);
    if (query.segment !== undefined && !segment)
      throw new InvalidCommandError(`unknown segment: ${query.segment}`);
    const options = {
      segment: segment?.code,
      sleeping: query.sleeping === undefined ? undefined : query.sleeping === 'true',
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    };
    return this.cache.get(`rfm-list:${JSON.stringify(options)}`, async (): Promise<RfmMemberListView> => {
      const page = await this.rfmQueries.members(options);
      return { ...page, segment: segment?.name ?? null, limit: options.limit, offset: options.offset };
    });
  }

  async rfmMember(memberId: string) {
    const member = await this.rfmQueries.member(memberId, this.clock.now());
    if (!member) throw new NotFoundError(`member ${memberId} has no paid order`, 'RFM_MEMBER_NOT_FOUND');
    return member;
  }

  /** A full recomputation now (it advances the read models' version, which retires cached answers). */
  async recomputeRfm() {
    return recomputeRfm(this.dataSource, this.clock.now(), {
      ...this.settings.rfm,
      timeZone: this.settings.timeZone,
      currency: this.settings.currency,
    });
  }

  async funnel(query: FunnelQueryDto) {
    const range = this.range(query, 7);
    return this.cache.get(`funnel:${range.from}:${range.to}:${query.channel ?? '*'}`, () =>
      this.funnelQueries.funnel({ ...range, channel: query.channel }),
    );
  }

  async stockWarnings(query: StockWarningsQueryDto) {
    return this.cache.get(
      `stock-warnings:${query.type ?? '*'}:${query.sku ?? '*'}:${query.warehouse ?? '*'}`,
      () => this.stockWarningQueries.active(query),
    );
  }

  async sales(query: SalesQueryDto) {
    const range = this.range(query, 7);
    const currency = query.currency ?? this.settings.currency;
    return this.cache.get(`sales:${range.from}:${range.to}:${currency}`, () =>
      this.salesQueries.sales({ ...range, currency }),
    );
  }

  async productMatrix(query: MatrixQueryDto) {
    const range = this.range(query, 30);
    const currency = query.currency ?? this.settings.currency;
    return this.cache.get(`matrix:${range.from}:${range.to}:${currency}`, () =>
      this.matrixQueries.productMatrix({ ...range, currency }),
    );
  }
}
