import type {
  AnomalyListView,
  CohortsView,
  CopurchasePairsView,
  CopurchaseSkuView,
  ExperimentListView,
  ExperimentView,
  FunnelView,
  LifecycleView,
  MatrixView,
  RfmMemberListView,
  RfmMemberView,
  RepurchaseView,
  RfmSegmentsView,
  SalesView,
  StockHealthView,
  StockWarningView,
  ValueAtRiskView,
} from '@ecom/analytics-read-models';
import type { DayRange } from './format';

export type ApiProblem = 'unauthorised' | 'forbidden' | 'unavailable' | 'invalid' | 'not_found';

/** A request the page could not complete, by what the operator can do about it. */
export class ApiError extends Error {
  constructor(
    readonly problem: ApiProblem,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function problemOf(status: number): ApiProblem {
  if (status === 401) return 'unauthorised';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return 'invalid';
  return 'unavailable';
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** How long a read may take before the page says the service is unavailable. */
const TIMEOUT_MS = 15_000;

/**
 * The operator-only analytics API (same origin as the page), with the signed-in operator's token in
 * the Authorization header: never in a URL, never stored by the browser.
 */
export class AnalyticsApi {
  constructor(private readonly token: () => string | undefined) {}

  private async get<T>(path: string, query: Query = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
    }
    const search = params.toString();
    const url = `/v1/analytics/${path}${search ? `?${search}` : ''}`;
    const token = this.token();
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiError(
        'unavailable',
        null,
        (error as Error).name === 'TimeoutError' ? 'timeout' : 'network error',
      );
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { message?: unknown };
      const message = Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? '');
      throw new ApiError(problemOf(response.status), response.status, `${response.status} ${message}`.trim());
    }
    return (await response.json()) as T;
  }

  sales(range: DayRange): Promise<SalesView> {
    return this.get('sales', { ...range, granularity: 'day' });
  }

  funnel(range: DayRange, channel?: string): Promise<FunnelView> {
    return this.get('funnel', { ...range, channel });
  }

  rfmSegments(): Promise<RfmSegmentsView> {
    return this.get('rfm/segments');
  }

  rfmMembers(options: {
    segment: string;
    sleeping?: boolean;
    limit: number;
    offset: number;
  }): Promise<RfmMemberListView> {
    return this.get('rfm', { ...options, sleeping: options.sleeping ? 'true' : undefined });
  }

  rfmMember(memberId: string): Promise<RfmMemberView> {
    return this.get(`rfm/members/${encodeURIComponent(memberId)}`);
  }

  stockWarnings(type?: string): Promise<StockWarningView[]> {
    return this.get('stock-warnings', { type });
  }

  productMatrix(range: DayRange): Promise<MatrixView> {
    return this.get('products/matrix', { ...range });
  }

  anomalies(): Promise<AnomalyListView> {
    return this.get('anomalies', { state: 'open' });
  }

  lifecycle(): Promise<LifecycleView> {
    return this.get('lifecycle');
  }

  /** The API's default range: the 365 days ending today (a week holds too few second orders). */
  repurchase(): Promise<RepurchaseView> {
    return this.get('repurchase');
  }

  cohorts(): Promise<CohortsView> {
    return this.get('cohorts');
  }

  stockHealth(): Promise<StockHealthView> {
    return this.get('stock/health');
  }

  valueAtRisk(): Promise<ValueAtRiskView> {
    return this.get('stock/value-at-risk');
  }

  copurchasePairs(limit: number): Promise<CopurchasePairsView> {
    return this.get('co-purchase', { limit });
  }

  copurchaseSku(sku: string, limit: number): Promise<CopurchaseSkuView> {
    return this.get(`co-purchase/${encodeURIComponent(sku)}`, { limit });
  }

  experiments(range: DayRange): Promise<ExperimentListView> {
    return this.get('experiments', { ...range });
  }

  experiment(key: string, range: DayRange): Promise<ExperimentView> {
    return this.get(`experiments/${encodeURIComponent(key)}`, { ...range });
  }
}
