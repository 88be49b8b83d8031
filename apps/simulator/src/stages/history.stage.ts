import { importedMemberId, importedOrderId } from '@ecom/contracts';
import { ProgressBar } from '@ecom/platform/cli';
import { ApiError } from '../api/service-api';
import { dayOf } from '@ecom/analytics-read-models/calendar';
import type { HistoryOrder } from '../domain/history-plan';
import type { RunContext } from './run-context';

/** Lines per request: well under the endpoint's line and byte limits. */
export const IMPORT_BATCH_LINES = 1000;

interface ImportAnswer {
  imported: number;
  skipped: number;
  rejected: { line: number; field?: string; reason: string }[];
}

/**
 * Stage 4: the generated order history through the order-history import (`POST /v1/imports/orders`,
 * JSON lines, operator), in batches. Lines the import took (imported, or skipped because an earlier
 * run imported them) are booked with their paid day and refunds; rejected lines are reported.
 */
export async function importHistory(ctx: RunContext): Promise<void> {
  const { history } = ctx.plan;
  const { books, api, options } = ctx;
  books.history.customers = history.customers.length;
  books.history.plannedSleeping = history.customers.filter((c) => c.sleeping).length;
  if (history.orders.length === 0) {
    ctx.log('history: none (--history-days 0)');
    return;
  }
  const bar = new ProgressBar(history.orders.length, { label: 'history   ', unit: 'lines' });
  for (let start = 0; start < history.orders.length; start += IMPORT_BATCH_LINES) {
    const batch = history.orders.slice(start, start + IMPORT_BATCH_LINES);
    const body = batch.map((order) => JSON.stringify(order.line)).join('\n') + '\n';
    let answer;
    try {
      answer = await api.orders.post<ImportAnswer>('/v1/imports/orders', body, {
        token: await ctx.operator.bearer(),
        contentType: 'application/x-ndjson',
        idempotent: true,
        expect: [200],
      });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404)
        throw new Error(
          'the orders service has no order-history import (POST /v1/imports/orders answered 404); ' +
            'run with --history-days 0 to skip the history',
        );
      throw error;
    }
    const rejected = new Set(answer.body.rejected.map((r) => r.line));
    books.history.lines += batch.length;
    books.history.imported += answer.body.imported;
    books.history.skipped += answer.body.skipped;
    books.history.rejected += answer.body.rejected.length;
    for (const r of answer.body.rejected)
      if (books.history.firstRejections.length < 10)
        books.history.firstRejections.push({ ...r, line: start + r.line });
    batch.forEach((order, i) => {
      if (!rejected.has(i + 1)) book(ctx, order, options.timeZone);
    });
    bar.advance(batch.length);
  }
  const ms = bar.finish();
  ctx.log(
    `history: ${books.history.lines} orders of ${books.history.customers} customers over ${options.historyDays} days ` +
      `(${books.history.plannedSleeping} planned sleeping): ${books.history.imported} imported, ` +
      `${books.history.skipped} skipped, ${books.history.rejected} rejected (${(ms / 1000).toFixed(1)} s, ` +
      `${Math.round((books.history.lines * 1000) / Math.max(1, ms))} lines/s)`,
  );
  for (const r of books.history.firstRejections)
    ctx.log(`  rejected line ${r.line}${r.field ? ` (${r.field})` : ''}: ${r.reason}`);
}

function book(ctx: RunContext, order: HistoryOrder, timeZone: string): void {
  const orderId = importedOrderId(order.line.sourceOrderId);
  if (!order.line.paidAt) return;
  ctx.books.recordPaid({
    orderId,
    // The member the import creates (or finds) for the customer: analytics counts the order for it.
    memberId: importedMemberId(order.line.customerRef),
    amount: order.total,
    day: dayOf(order.line.paidAt, timeZone),
    source: 'history',
  });
  for (const refund of order.line.refunds ?? [])
    ctx.books.recordRefund({
      orderId,
      amount: refund.amount,
      day: dayOf(refund.at, timeZone),
      source: 'history',
    });
}
