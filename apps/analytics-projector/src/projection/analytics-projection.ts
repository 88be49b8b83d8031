import { ContractEvent, DomainEventOf, EventEnvelope, Topics } from '@ecom/contracts';
import { reactionContext } from '@ecom/event-sourcing';
import type { EntityManager } from 'typeorm';
import { StockWarningsService } from '../stock-warnings/stock-warnings.service';
import { FactWriters, VISITOR_STEPS } from './fact-writers';
import { STOCK_EVENT_TYPES, StockFacts } from './stock-facts';

type Data<T extends ContractEvent['type']> = DomainEventOf<T>['data'];
type Envelope<T extends ContractEvent['type']> = EventEnvelope<Data<T>, T>;

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
  'RefundIssued',
  'ReturnRequested',
  'ReturnRejected',
  'ProductCreated',
  'ProductDetailsChanged',
  'SkuAdded',
  'SkuPriceChanged',
  'SkuCostChanged',
  'SkuDiscontinued',
  'MemberRegistered',
  'MemberTierChanged',
  ...STOCK_EVENT_TYPES,
] as const;

export interface ApplyOptions {
  /** Publish stock warning changes (live); a rebuild applies silently and reconciles at the end. */
  publishAlerts: boolean;
}

/** The projector's one event handler: routes each event to the fact writers and the stock warnings. */
export class AnalyticsProjection {
  private readonly facts: FactWriters;
  private readonly stock = new StockFacts();
  /** occurredAt of the newest event applied, for the lag in seconds. */
  lastEventAt: Date | null = null;
  /** How old the last applied event was when it was applied (its envelope time to now), in ms. */
  lastApplyLatencyMs: number | null = null;

  constructor(
    timeZone: string,
    private readonly warnings: StockWarningsService,
  ) {
    this.facts = new FactWriters(timeZone);
  }

  async apply(event: EventEnvelope, tx: EntityManager, options: ApplyOptions): Promise<void> {
    await this.route(event, tx, options);
    const at = new Date(event.occurredAt);
    if (!this.lastEventAt || at > this.lastEventAt) this.lastEventAt = at;
    this.lastApplyLatencyMs = Math.max(0, Date.now() - at.getTime());
  }

  private async route(event: EventEnvelope, tx: EntityManager, options: ApplyOptions): Promise<void> {
    const f = this.facts;
    switch (event.type) {
      case 'PageViewed':
      case 'ProductViewed':
      case 'Searched': {
        const d = event.data as Data<'PageViewed'> & { sku?: string };
        await f.visitorEvent(tx, event, VISITOR_STEPS[event.type], d, FactWriters.behaviourTime(event));
        return;
      }
      case 'CartCreated':
      case 'CartItemAdded':
      case 'CartItemRemoved': {
        const d = event.data as Data<'CartCreated'> & { sku?: string };
        await f.visitorEvent(tx, event, VISITOR_STEPS[event.type], d, event.occurredAt);
        return;
      }
      case 'OrderPlaced': {
        const e = event as Envelope<'OrderPlaced'>;
        await f.visitorEvent(tx, event, VISITOR_STEPS.OrderPlaced, e.data, event.occurredAt);
        await f.orderPlaced(tx, e);
        return;
      }
      case 'OrderPaid': {
        const e = event as Envelope<'OrderPaid'>;
        await f.visitorEvent(tx, event, VISITOR_STEPS.OrderPaid, e.data, event.occurredAt);
        await f.orderPaid(tx, e);
        return;
      }
      case 'RefundIssued':
        return f.refundIssued(tx, event as Envelope<'RefundIssued'>);
      case 'ReturnRequested':
        return f.returnRequested(tx, event as Envelope<'ReturnRequested'>);
      case 'ReturnRejected':
        return f.returnRejected(tx, event as Envelope<'ReturnRejected'>);
      case 'ProductCreated': {
        const d = event.data as Data<'ProductCreated'>;
        return f.productDetails(tx, event, d.productId, d.title, d.categoryId);
      }
      case 'ProductDetailsChanged': {
        const d = event.data as Data<'ProductDetailsChanged'>;
        return f.productDetails(tx, event, d.productId, d.title, d.categoryId);
      }
      case 'SkuAdded': {
        const d = event.data as Data<'SkuAdded'>;
        return f.sku(tx, event, {
          sku: d.sku,
          productId: d.productId,
          price: d.price,
          cost: d.cost,
          currency: d.currency,
        });
      }
      case 'SkuPriceChanged': {
        const d = event.data as Data<'SkuPriceChanged'>;
        return f.sku(tx, event, { sku: d.sku, productId: d.productId, price: d.price, currency: d.currency });
      }
      case 'SkuCostChanged': {
        const d = event.data as Data<'SkuCostChanged'>;
        return f.sku(tx, event, { sku: d.sku, productId: d.productId, cost: d.cost, currency: d.currency });
      }
      case 'SkuDiscontinued':
        return f.skuDiscontinued(tx, event.data as Data<'SkuDiscontinued'>);
      case 'MemberRegistered': {
        const d = event.data as Data<'MemberRegistered'>;
        return f.member(tx, event, d.memberId, d.tier, event.occurredAt);
      }
      case 'MemberTierChanged': {
        const d = event.data as Data<'MemberTierChanged'>;
        return f.member(tx, event, d.memberId, d.tier, null);
      }
      default:
        if ((STOCK_EVENT_TYPES as readonly string[]).includes(event.type)) {
          const sku = (event.data as { sku: string }).sku;
          const item = await this.stock.lock(tx, sku);
          await this.stock.apply(tx, event, item);
          await this.warnings.evaluate(tx, item, new Date(event.occurredAt), {
            publish: options.publishAlerts,
            context: reactionContext(event),
          });
        }
    }
  }
}
