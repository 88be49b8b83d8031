import {
  AnalyticsClock,
  DEFAULT_NEAR_EXPIRY_DAYS,
  DEFAULT_SELL_THROUGH_DAYS,
  StockHealthQueries,
  StockHealthView,
  ValueAtRiskView,
} from '@ecom/analytics-read-models';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Cached } from './cached-route';
import { QueryCache } from './query-cache';
import type { StockHealthQueryDto, ValueAtRiskQueryDto } from './stock-health.dto';

/** Sell-through, stock age and near-expiry value at risk, at the analytics clock's instant. */
@Injectable()
export class StockHealthService {
  private readonly queries: StockHealthQueries;

  constructor(
    dataSource: DataSource,
    private readonly cache: QueryCache,
    private readonly clock: AnalyticsClock,
  ) {
    this.queries = new StockHealthQueries(dataSource);
  }

  /**
   * Cached under the read models' version like every answer; ages and windows move with the clock,
   * which ANALYTICS_CACHE_TTL_MS bounds (seconds against figures in whole days).
   */
  health(query: StockHealthQueryDto): Promise<Cached<StockHealthView>> {
    const days = query.days ?? DEFAULT_SELL_THROUGH_DAYS;
    const category = query.category ?? null;
    return this.cache.get(`stock-health:${days}:${JSON.stringify(category)}`, () =>
      this.queries.health({ at: this.clock.now(), days, category }),
    );
  }

  valueAtRisk(query: ValueAtRiskQueryDto): Promise<Cached<ValueAtRiskView>> {
    const withinDays = query.withinDays ?? DEFAULT_NEAR_EXPIRY_DAYS;
    return this.cache.get(`stock-value-at-risk:${withinDays}`, () =>
      this.queries.valueAtRisk({ at: this.clock.now(), withinDays }),
    );
  }
}
