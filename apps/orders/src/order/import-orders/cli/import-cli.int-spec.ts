import { importedOrderId } from '@ecom/contracts';
import { SERVICES } from '@ecom/platform';
import { CliRun, REPO_ROOT, runCli, startTestService, TestService } from '@ecom/testing';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AppModule } from '../../../app.module';

const CLI = 'apps/orders/src/order/import-orders/cli/import-orders.ts';
const EXAMPLES = join(REPO_ROOT, 'docs/examples');

describe('import CLI (npm run import) against the orders service', () => {
  let service: TestService;
  let dir: string;
  let env: Record<string, string>;

  const summaryOf = (run: CliRun) => {
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout.trim());
  };

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.orders);
    dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
    env = { IMPORT_TOKEN: await service.tokens.bearer('staff-cli', 'operator') };
  });

  afterAll(async () => {
    await service?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('imports the example CSV in batches, and the example JSON lines of the same orders then change nothing', async () => {
    const csv = summaryOf(
      await runCli(
        CLI,
        [join(EXAMPLES, 'orders-import.csv'), '--url', service.baseUrl, '--batch', '5', '--json'],
        env,
      ),
    );
    expect(csv).toMatchObject({
      format: 'csv',
      lines: 23,
      orders: 12,
      imported: 12,
      skipped: 0,
      rejected: 0,
    });
    const order = await service.http(`/v1/orders/${importedOrderId('TM-20240308-0008')}`, {
      token: env.IMPORT_TOKEN,
    });
    expect(order.body).toMatchObject({
      status: 'COMPLETED',
      total: 85800,
      refunded: 25900,
      createdAt: '2024-03-08T08:40:00.000Z',
      imported: {
        refunds: [
          { amount: 10000, at: '2024-03-10T02:00:00.000Z', reason: 'price protection' },
          { amount: 15900, at: '2024-03-15T09:30:00.000Z', reason: 'scarf returned' },
        ],
      },
    });

    const jsonl = summaryOf(
      await runCli(
        CLI,
        [join(EXAMPLES, 'orders-import.jsonl'), '--url', service.baseUrl, '--batch', '4', '--json'],
        env,
      ),
    );
    expect(jsonl).toMatchObject({
      format: 'jsonl',
      lines: 12,
      orders: 12,
      imported: 0,
      skipped: 12,
      rejected: 0,
    });
  });

  it('reports rejected JSON lines at their line in the file, across batches, and prints a summary', async () => {
    const good = (id: string) =>
      JSON.stringify({
        sourceOrderId: id,
        customerRef: 'cli-cust',
        placedAt: '2024-05-01T10:00:00Z',
        paidAt: '2024-05-01T10:01:00Z',
        items: [{ sku: 'TEE', quantity: 1, price: 1999 }],
      });
    const file = join(dir, 'history.jsonl');
    writeFileSync(
      file,
      [
        good('CLI-1'), // 1
        '', // 2
        good('CLI-2'), // 3
        good('CLI-3').replace('1999', '19.99'), // 4: rejected (items.0.price)
        good('CLI-4'), // 5
        '{not json', // 6: rejected
        good('CLI-1'), // 7: a repeat, skipped
        good('CLI-5').replace('"2024-05-01T10:00:00Z"', '"2099-01-01T00:00:00Z"'), // 8: rejected (future)
      ].join('\n') + '\n',
    );
    const rejectedOut = join(dir, 'rejected.jsonl');
    const run = await runCli(
      CLI,
      [file, '--url', service.baseUrl, '--batch', '2', '--concurrency', '3', '--rejected-out', rejectedOut],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('imported 3, skipped 1 (already imported), rejected 3');
    expect(run.stdout).toMatch(/lines\/s/);
    expect(run.stdout).toContain('line 4 items.0.price: must be an integer (unit price in minor units)');
    expect(run.stdout).toContain('line 6: not valid JSON');
    expect(run.stdout).toContain('line 8 placedAt: must not be in the future');
    const all = readFileSync(rejectedOut, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(all.map((r: { line: number }) => r.line).sort()).toEqual([4, 6, 8]);
    expect(
      (await service.http(`/v1/orders/${importedOrderId('CLI-4')}`, { token: env.IMPORT_TOKEN })).status,
    ).toBe(200);
  });

  it('reports rejected CSV orders at the row and in the column at fault', async () => {
    const file = join(dir, 'history.csv');
    writeFileSync(
      file,
      [
        'source_order_id,customer_ref,placed_at,paid_at,sku,quantity,price,refund_amount,refund_at', // 1
        'CSV-1,cust-9,2024-06-01T10:00:00Z,2024-06-01T10:05:00Z,TEE,1,1999,,', // 2
        'CSV-1,cust-9,2024-06-01T10:00:00Z,2024-06-01T10:05:00Z,CAP,1,5.00,,', // 3: price not in minor units
        'CSV-2,cust-9,2024-06-02T10:00:00Z,,MUG,1,800,,', // 4
        'CSV-2,cust-9,2024-06-02T10:00:00Z,,,,,800,2024-06-03T00:00:00Z', // 5: a refund of an unpaid order
        'CSV-3,cust-9,2024-06-03T10:00:00Z,2024-06-03T10:01:00Z,BAG,1,12900,,', // 6
        'CSV-3,cust-9,2024-06-03T10:00:00Z,2024-06-03T10:01:00Z,,,,99999,2024-06-04T00:00:00Z', // 7: refunds > total
        'CSV-4,cust-9,2024-06-04T10:00:00Z,2024-06-04T10:01:00Z,SCARF,2,15900,,', // 8
      ].join('\n'),
    );
    const summary = summaryOf(await runCli(CLI, [file, '--url', service.baseUrl, '--json'], env));
    expect(summary).toMatchObject({ orders: 4, imported: 1, skipped: 0, rejected: 3 });
    expect(summary.firstRejections).toEqual([
      { line: 3, field: 'price', reason: 'must be an integer (unit price in minor units)' },
      { line: 5, field: 'refunds', reason: 'only a paid order (with paidAt) can have refunds' },
      { line: 7, field: 'refunds', reason: 'add up to 99999, more than the order total 12900' },
    ]);
  });

  it('stops with a non-zero exit on a fatal error: a bad CSV header, a refused token, a missing file', async () => {
    const badHeader = join(dir, 'bad-header.csv');
    writeFileSync(badHeader, 'order,customer\nA,B\n');
    const header = await runCli(CLI, [badHeader, '--url', service.baseUrl], env);
    expect(header.code).toBe(1);
    expect(header.stderr).toContain('unknown CSV column "order"');

    const refused = await runCli(
      CLI,
      [join(EXAMPLES, 'orders-import.jsonl'), '--url', service.baseUrl, '--auth-url', 'http://127.0.0.1:9'],
      { IMPORT_TOKEN: 'Bearer not-a-token' },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/import failed: cannot reach http:\/\/127.0.0.1:9 to log in/);

    const missing = await runCli(CLI, [join(dir, 'nope.jsonl'), '--url', service.baseUrl], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });
});
