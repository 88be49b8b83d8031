import { EventContext, importedMemberId, importedOrderId } from '@ecom/contracts';
import { AppendToStream, DomainError, IllegalTransitionError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable } from '@nestjs/common';
import { ORDERS_SETTINGS, OrdersSettings } from '../../config/orders.settings';
import { evolveOrder, OrderAggregate, OrderState } from '../domain/order.aggregate';
import { CommandOf, importOrder } from '../domain/order.decisions';
import {
  IMPORT_LIMITS,
  ImportedOrderInput,
  ImportRejection,
  validateImportLine,
} from './import-line.validator';
import type { ImportOrdersResponse } from './import-orders.dto';
import { splitLines } from './ndjson-lines';

interface ValidLine {
  line: number;
  order: ImportedOrderInput;
}

/** What a batch of lines came to. */
interface BatchOutcome {
  imported: number;
  skipped: number;
  rejected: ImportRejection[];
}

export function toImportCommand(order: ImportedOrderInput): CommandOf<'import'> {
  return {
    kind: 'import',
    orderId: importedOrderId(order.sourceOrderId),
    sourceOrderId: order.sourceOrderId,
    memberId: importedMemberId(order.customerRef),
    customerRef: order.customerRef,
    channel: order.channel,
    placedAt: order.placedAt,
    paidAt: order.paidAt,
    lines: order.items.map((item) => ({
      sku: item.sku,
      quantity: item.quantity,
      unitPrice: item.price,
      lineTotal: item.price * item.quantity,
    })),
    currency: order.currency,
    refunds: order.refunds.map((r) => ({ amount: r.amount, refundedAt: r.at, reason: r.reason })),
  };
}

/**
 * POST /v1/imports/orders: past orders from another platform, one JSON line each. Every line is
 * validated on its own (a bad line is reported and never stops the others); the valid ones are
 * written as OrderImported events, `linesPerTransaction` lines per transaction, each on a new stream
 * whose id derives from the source order id: a line whose order exists already (imported before,
 * or earlier in the same body) is skipped. Each event's occurredAt is the order's placedAt.
 */
@Injectable()
export class ImportOrdersHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    @Inject(ORDERS_SETTINGS) private readonly settings: OrdersSettings,
  ) {}

  async execute(body: Buffer, context: EventContext): Promise<ImportOrdersResponse> {
    const now = new Date();
    const rejected: ImportRejection[] = [];
    const valid: ValidLine[] = [];
    for (const entry of splitLines(body, IMPORT_LIMITS.maxLineBytes)) {
      if ('error' in entry) {
        rejected.push({ line: entry.line, field: null, reason: entry.error });
        continue;
      }
      const result = validateImportLine(entry.text, entry.line, now);
      if (result.ok) valid.push({ line: result.line, order: result.order });
      else rejected.push(result.rejection);
    }
    let imported = 0;
    let skipped = 0;
    const size = this.settings.import.linesPerTransaction;
    for (let start = 0; start < valid.length; start += size) {
      const outcome = await this.writeBatch(valid.slice(start, start + size), context);
      imported += outcome.imported;
      skipped += outcome.skipped;
      rejected.push(...outcome.rejected);
    }
    rejected.sort((a, b) => a.line - b.line);
    return { imported, skipped, rejected };
  }

  /**
   * One transaction for a batch of lines: the orders' streams are loaded at once, each line decided
   * on the state the lines before it left (a repeat inside the batch is skipped), and every new
   * stream appended in one append. A concurrent import of the same order makes the append conflict;
   * the session then runs again, and that order is skipped.
   */
  private writeBatch(batch: readonly ValidLine[], context: EventContext): Promise<BatchOutcome> {
    return this.runtime.commands.run(async (session) => {
      const commands = batch.map(({ line, order }) => ({ line, order, command: toImportCommand(order) }));
      const loaded = await session.loadMany(OrderAggregate, [
        ...new Set(commands.map((c) => c.command.orderId)),
      ]);
      const states = new Map<string, OrderState>([...loaded].map(([id, { state }]) => [id, state]));
      const outcome: BatchOutcome = { imported: 0, skipped: 0, rejected: [] };
      const streams: AppendToStream[] = [];
      for (const { line, order, command } of commands) {
        const state = states.get(command.orderId)!;
        let events;
        try {
          events = importOrder(state, command);
        } catch (error) {
          if (error instanceof IllegalTransitionError) outcome.skipped++;
          else if (error instanceof DomainError)
            outcome.rejected.push({ line, field: null, reason: error.message });
          else throw error;
          continue;
        }
        states.set(command.orderId, events.reduce(evolveOrder, state));
        const occurredAt = new Date(order.placedAt);
        streams.push({
          aggregateType: OrderAggregate.type,
          aggregateId: command.orderId,
          expectedVersion: 0,
          events: events.map((event) => ({ ...event, occurredAt })),
        });
        outcome.imported++;
      }
      await session.append(streams, context);
      return outcome;
    });
  }
}
