import { bumpFactsVersion } from '@ecom/analytics-read-models';
import { EnvelopeOf, EventEnvelope, Topics } from '@ecom/contracts';
import { CommandSession, reactionContext } from '@ecom/event-sourcing';
import { recordPaymentFailure } from '../anomalies/payment-failure-facts';
import { StockWarningsService } from '../stock-warnings/stock-warnings.service';
import { CopurchaseFacts } from './copurchase-facts';
import { ExperimentFacts } from './experiment-facts';
import { FactWriters, VISITOR_STEPS } from './fact-writers';
import type { FunnelFolds } from './funnel-folds';
import type { LiveRfm } from './live-rfm';
import { STOCK_EVENT_TYPES, StockFacts } from './stock-facts';

/** The after-commit work that advances the read models' version (the API's cache keys). */
const FACTS_VERSION_KEY = 'analytics.facts-version';

/** Every topic the projector reads (analytics.alerts is its own output). */
export const PROJECTED_TOPICS = [
  Topics.catalog,
  Topics.inventory,
  Topics.orders,
  Topics.members,
  Topics.storefrontBehavior,
] as const;

export const PROJECTED_EVENT_TYPES = [
  'PageViewed',
  'ProductViewed',
  'Searched',
  'CartCreated',
  'CartItemAdded',
  'CartItemRemoved',
  'OrderPlaced',
  'OrderPaid',
  'PaymentFailed',
  'RefundIssued',
  'OrderImported',
  'ReturnRequested',
  'ReturnRejected',
  'ProductCreated',
  'ProductDetailsChanged',
  'SkuAdded',
  'SkuPriceChanged',
  'SkuCostChanged',
  'SkuDiscontinued',
  'ProductPublished',
  'ProductUnpublished',
  'MemberRegistered',
  'MemberImported',
  'MemberTierChanged',
  ...STOCK_EVENT_TYPES,
] as const;

/** An event the projector applies: a `switch (event.type)` narrows its data. */
export type ProjectedEvent = EnvelopeOf<(typeof PROJECTED_EVENT_TYPES)[number]>;

export interface ApplyOptions {
  /** Publish stock warning changes (live); a rebuild applies silently and reconciles at the end. */
  publishAlerts: boolean;
}

/** The projector's one event handler: routes each event to the fact writers and the stock warnings. */
export class AnalyticsProjection {
  private readonly facts: FactWriters;
  private readonly experiments: ExperimentFacts;
  private readonly stock = new StockFacts();
  private readonly copurchase = new CopurchaseFacts();
  private readonly timeZone: string;
  /** occurredAt of the newest event applied, for the lag in seconds. */
  lastEventAt: Date | null = null;
  /** How old the last applied event was when it was applied (its envelope time to now), in ms. */
  lastApplyLatencyMs: number | null = null;

  constructor(
    timeZone: string,
    private readonly warnings: StockWarningsService,
    private readonly rfm: LiveRfm | null = null,
    private readonly funnelFolds: FunnelFolds | null = null,
  ) {
    this.facts = new FactWriters(timeZone);
    this.experiments = new ExperimentFacts(timeZone);
    this.timeZone = timeZone;
  }

  /**
   * Applies a partition batch's new events in the consumer's transaction, then rescores the members
   * whose payments or refunds it brought (live RFM, committed with the facts) and, after the commit,
   * advances the read models' version, which retires the API's cached answers.
   */
  async applyBatch(
    events: readonly ProjectedEvent[],
    session: CommandSession,
    options: ApplyOptions,
  ): Promise<void> {
    for (const event of events) await this.apply(event, session, options);
    // Co-purchase counts of the orders whose facts the batch brought, committed with those facts.
    await this.copurchase.sync(session.sql, events);
    await this.rfm?.rescore(session.sql, events);
    if (events.length > 0) session.afterCommit(FACTS_VERSION_KEY, (sql) => bumpFactsVersion(sql));
  }

  /** Applies one event in the consumer's transaction (`session.sql`). */
  async apply(event: ProjectedEvent, session: CommandSession, options: ApplyOptions): Promise<void> {
    await this.route(event, session, options);
    // An imported order's envelope time is when it was placed on the old platform, not when it was
    // published: it says nothing about how far behind the projector is.
    if (event.type === 'OrderImported') return;
    const at = new Date(event.occurredAt);
    if (!this.lastEventAt || at > this.lastEventAt) this.lastEventAt = at;
    this.lastApplyLatencyMs = Math.max(0, Date.now() - at.getTime());
  }

  /**
   * A behaviour fact; when it marked the funnel's pre-aggregation pending, a fold is due (FunnelFolds:
   * within a second, for every batch that marked some meanwhile).
   */
  private async visitorEvent(
    session: CommandSession,
    event: EventEnvelope,
    step: string,
    fields: Parameters<FactWriters['visitorEvent']>[3],
    at: string,
  ): Promise<void> {
    if (await this.facts.visitorEvent(session.sql, event, step, fields, at)) {
      this.funnelFolds?.markDue();
    }
  }

  /** A catalog event that can list or unlist SKUs: the OUT_OF_STOCK of those inventory never stocked. */
  private neverStocked(
    session: CommandSession,
    event: EventEnvelope,
    skus: readonly string[],
    options: ApplyOptions,
  ): Promise<void> {
    return this.warnings.evaluateNeverStocked(session, skus, new Date(event.occurredAt), {
      publish: options.publishAlerts,
      context: reactionContext(event),
    });
  }

  private async route(event: ProjectedEvent, session: CommandSession, options: ApplyOptions): Promise<void> {
    const f = this.facts;
    const tx = session.sql;
    switch (event.type) {
      case 'PageViewed':
      case 'ProductViewed':
      case 'Searched':
        // A/B exposure at the time the visitor acted (the storefront's time when it sent one).
        await this.experiments.exposure(tx, event, FactWriters.behaviourTime(event));
        return this.visitorEvent(
          session,
          event,
          VISITOR_STEPS[event.type],
          event.data,
          FactWriters.behaviourTime(event),
        );
      case 'CartCreated':
      case 'CartItemAdded':
      case 'CartItemRemoved':
        return this.visitorEvent(session, event, VISITOR_STEPS[event.type], event.data, event.occurredAt);
      case 'OrderPlaced':
        await this.visitorEvent(session, event, VISITOR_STEPS.OrderPlaced, event.data, event.occurredAt);
        await this.experiments.orderPlaced(tx, event);
        return f.orderPlaced(tx, event);
      case 'OrderPaid':
        await this.visitorEvent(session, event, VISITOR_STEPS.OrderPaid, event.data, event.occurredAt);
        return f.orderPaid(tx, event);
      case 'PaymentFailed':
        // A declined attempt, for the hourly payment success rate (anomaly alerts).
        return recordPaymentFailure(tx, event, this.timeZone);
      case 'RefundIssued':
        return f.refundIssued(tx, event);
      case 'OrderImported':
        // No visitor: it never enters the funnel, UV or conversion.
        return f.orderImported(tx, event);
      case 'ReturnRequested':
        return f.returnRequested(tx, event);
      case 'ReturnRejected':
        return f.returnRejected(tx, event);
      case 'ProductCreated':
      case 'ProductDetailsChanged':
        return f.productDetails(tx, event, event.data.productId, event.data.title, event.data.categoryId);
      case 'SkuAdded': {
        const { sku, productId, price, cost, currency } = event.data;
        await f.sku(tx, event, { sku, productId, price, cost, currency, addedAt: event.occurredAt });
        return this.neverStocked(session, event, [sku], options);
      }
      case 'SkuPriceChanged': {
        const { sku, productId, price, currency } = event.data;
        return f.sku(tx, event, { sku, productId, price, currency });
      }
      case 'SkuCostChanged': {
        const { sku, productId, cost, currency } = event.data;
        return f.sku(tx, event, { sku, productId, cost, currency });
      }
      case 'SkuDiscontinued':
        await f.skuDiscontinued(tx, event.data);
        return this.neverStocked(session, event, [event.data.sku], options);
      case 'ProductPublished':
      case 'ProductUnpublished': {
        const { productId, skus } = event.data;
        await f.productListing(tx, event, productId, event.type === 'ProductPublished');
        // The event's SKUs and any other SKU of the product the projector knows.
        const known: { sku: string }[] = await tx.query(`SELECT sku FROM an_skus WHERE product_id = $1`, [
          productId,
        ]);
        return this.neverStocked(session, event, [...skus, ...known.map((k) => k.sku)], options);
      }
      case 'MemberRegistered':
        return f.member(tx, event, event.data.memberId, event.data.tier, event.occurredAt);
      case 'MemberImported':
        // Brought over by the order-history import: it never registered here.
        return f.member(tx, event, event.data.memberId, event.data.tier, null);
      case 'MemberTierChanged':
        return f.member(tx, event, event.data.memberId, event.data.tier, null);
      case 'StockReceived':
      case 'StockAdjusted':
      case 'StockTransferred':
      case 'StockAllocated':
      case 'StockDeallocated':
      case 'StockDeducted':
      case 'StockRestocked':
      case 'StockPolicyChanged': {
        const item = await this.stock.lock(tx, event.data.sku);
        await this.stock.apply(tx, event, item);
        await this.warnings.evaluate(session, item, new Date(event.occurredAt), {
          publish: options.publishAlerts,
          context: reactionContext(event),
        });
        return;
      }
      default: {
        // Does not compile when a projected event type has no route.
        const unrouted: never = event;
        return unrouted;
      }
    }
  }
}
