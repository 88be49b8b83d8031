import { EventContext, stockWarningAggregateId } from '@ecom/contracts';
import type { CommandSession, CommandSessions } from '@ecom/event-sourcing';
import { StockFacts, StockItemRow } from '../projection/stock-facts';
import {
  ActiveWarning,
  availableIn,
  diffWarnings,
  evaluateStockWarnings,
  isNeverStocked,
  neverStockedWarnings,
  StockWarningParams,
  Warning,
  warningKey,
} from './domain/stock-warnings';
import { StockWarningAlerts } from './stock-warning-alerts';
import { StockWarningInputsLoader } from './stock-warning-inputs.loader';
import { StockWarningRows } from './stock-warning-rows';

export interface EvaluateOptions {
  /** Append StockWarningRaised/Cleared for every change (the outbox relay publishes them to analytics.alerts). */
  publish: boolean;
  context: EventContext;
}

export interface EvaluationResult {
  at: Date;
  raised: Warning[];
  cleared: ActiveWarning[];
}

/**
 * The stock warnings of a SKU, orchestrated: load its inputs and active warnings from the read models
 * (StockWarningInputsLoader, StockWarningRows), evaluate them (the pure domain), record the changes
 * in an_stock_warnings and publish them as alerts (StockWarningAlerts). The evaluation instant never
 * goes back for a SKU: it is the later of the instant asked for (the event's time, or the clock for
 * the scheduled re-evaluation) and the SKU's previous evaluation, so a replay of the same events comes
 * to the same warnings.
 */
export class StockWarningsService {
  private readonly inputs: StockWarningInputsLoader;
  private readonly rows = new StockWarningRows();
  private readonly alerts = new StockWarningAlerts();

  constructor(private readonly params: StockWarningParams) {
    this.inputs = new StockWarningInputsLoader(params);
  }

  /** Evaluates a SKU (its row locked by the caller) in the session's transaction, which also carries the alerts. */
  async evaluate(
    session: CommandSession,
    item: StockItemRow,
    requestedAt: Date,
    options: EvaluateOptions,
  ): Promise<EvaluationResult> {
    const at =
      item.evaluated_at && item.evaluated_at.getTime() > requestedAt.getTime()
        ? item.evaluated_at
        : requestedAt;
    const tx = session.sql;
    const inputs = await this.inputs.load(tx, item.sku, at);
    const active = await this.rows.of(tx, item.sku);
    // The catalog's OUT_OF_STOCK of a SKU never stocked ends with inventory's first event of it, which
    // decides from its own stream alone: so the SKU's warnings never depend on when catalog events came.
    const superseded = active.filter(isNeverStocked);
    const changes = diffWarnings(
      active.filter((w) => !isNeverStocked(w)),
      evaluateStockWarnings(inputs, at, this.params),
    );
    await this.rows.record(tx, item.sku, { ...changes, cleared: [...changes.cleared, ...superseded] }, at);

    const raised = changes.raised;
    // One raised again under the same key by inventory's rules is published as that raise alone.
    const cleared = [
      ...changes.cleared,
      ...superseded.filter((w) => !raised.some((r) => warningKey(r) === warningKey(w))),
    ];
    if (options.publish) {
      await this.alerts.publish(
        session,
        item.sku,
        raised.map((w) => ({ ...w, since: at })),
        // A dismissed warning's clear was published when the operator cleared it.
        cleared
          .filter((w) => !w.dismissed)
          .map((w) => ({ ...w, available: availableIn(inputs, w.warehouse) })),
        at,
        options.context,
      );
    }
    return { at, raised, cleared };
  }

  /**
   * The warnings of catalog SKUs that inventory never heard of (after a catalog event at `at` that can
   * list or unlist them): OUT_OF_STOCK while listed, dated when it was listed. A SKU with inventory facts
   * is left to `evaluate`. Each SKU's row is locked (created if needed), in code order, as `evaluate` and
   * the analytics API's dismissal lock it.
   */
  async evaluateNeverStocked(
    session: CommandSession,
    skus: readonly string[],
    at: Date,
    options: EvaluateOptions,
  ): Promise<void> {
    const tx = session.sql;
    const stockFacts = new StockFacts();
    for (const sku of [...new Set(skus)].sort()) {
      const item = await stockFacts.lock(tx, sku);
      if (item.stream_id !== null) continue;
      const listing = await this.inputs.listing(tx, sku);
      const changes = diffWarnings(await this.rows.of(tx, sku), neverStockedWarnings(listing));
      await this.rows.recordNeverStocked(tx, sku, changes, listing.listedSince);
      if (options.publish) {
        await this.alerts.publish(
          session,
          sku,
          changes.raised.map((w) => ({ ...w, since: listing.listedSince ?? at })),
          changes.cleared.filter((w) => !w.dismissed).map((w) => ({ ...w, available: 0 })),
          at,
          options.context,
        );
      }
    }
  }

  /**
   * Re-evaluates every SKU at an instant (the time-based warnings: expiry, sales windows), one SKU per
   * command session so that it never holds many SKU locks while events are being applied.
   */
  async reevaluateAll(
    commands: CommandSessions,
    at: Date,
    options: EvaluateOptions,
  ): Promise<{ skus: number; raised: number; cleared: number }> {
    // SKUs inventory never heard of have no time-based warning (evaluateNeverStocked decides them).
    const skus: { sku: string }[] = await commands.run((session) =>
      session.sql.query(`SELECT sku FROM an_stock_items WHERE stream_id IS NOT NULL ORDER BY sku`),
    );
    const stockFacts = new StockFacts();
    let raised = 0;
    let cleared = 0;
    for (const { sku } of skus) {
      const result = await commands.run(async (session) =>
        this.evaluate(session, await stockFacts.lock(session.sql, sku), at, options),
      );
      raised += result.raised.length;
      cleared += result.cleared.length;
    }
    return { skus: skus.length, raised, cleared };
  }

  /**
   * Makes what analytics.alerts last said for each warning match the active warnings: raises the
   * active ones whose stream last said "cleared" (or nothing), clears the streams that last said
   * "raised" for a warning no longer active. After a rebuild (which applies events without
   * publishing), this publishes only the real differences instead of every warning again.
   */
  async reconcilePublished(
    session: CommandSession,
    context: EventContext,
  ): Promise<{ raised: number; cleared: number }> {
    const tx = session.sql;
    const publishedActive = await this.alerts.lastRaised(tx);
    const active = new Set<string>();
    let raised = 0;
    for (const { sku, ...warning } of await this.rows.all(tx)) {
      const id = stockWarningAggregateId(warning.type, sku, warning.warehouse);
      active.add(id);
      // Dismissed by an operator: analytics.alerts last said "cleared", as it should.
      if (publishedActive.has(id) || warning.dismissed) continue;
      await this.alerts.publish(session, sku, [warning], [], warning.since, context);
      raised++;
    }
    let cleared = 0;
    for (const [id, data] of publishedActive) {
      if (active.has(id)) continue;
      const available = await this.inputs.available(tx, data.sku, data.warehouse);
      const now = await this.inputs.lastEvaluatedAt(tx, data.sku);
      await this.alerts.publish(
        session,
        data.sku,
        [],
        [{ type: data.type, warehouse: data.warehouse, available }],
        now,
        context,
      );
      cleared++;
    }
    return { raised, cleared };
  }
}
