/**
 * `npm run import -- FILE [--url http://127.0.0.1:3002] [--batch 1000]`: imports an order history
 * (JSON lines, `.jsonl`/`.ndjson`, or CSV, `.csv`; see docs/contract.md "Order-history import") into the
 * orders service through POST /v1/imports/orders, reading the file as a stream and sending it in
 * batches. Rejected lines are reported at their line in the file. Exits 0 when the file was read to
 * its end (rejected lines included), non-zero on a fatal error (file unreadable, login refused, a
 * batch the service kept failing).
 *
 * Options: --url (orders service, env IMPORT_URL), --batch N (lines per request, default 1000),
 * --concurrency N (requests in flight, default 2), --format jsonl|csv (default: from the extension),
 * --auth-url (members service for the login, env IMPORT_AUTH_URL, default http://127.0.0.1:3004),
 * --rejected-out FILE (every rejection as a JSON line), --json (the summary as JSON on stdout).
 * Login: IMPORT_TOKEN (a bearer token), else IMPORT_EMAIL / IMPORT_PASSWORD (default: the admin
 * scripts/stack.sh creates, ADMIN_EMAIL / ADMIN_PASSWORD).
 */
import { progressWriter } from '@ecom/platform/cli';
import { parse as parseCsv } from 'csv-parse';
import { createReadStream, createWriteStream, statSync, WriteStream } from 'fs';
import { extname, resolve } from 'path';
import { createInterface } from 'readline';
import { parseArgs } from 'util';
import { CsvOrderGrouper, csvRejection, LineRejection, parseCsvHeader } from './csv-orders';
import { FatalImportError, ImportAnswer, ImportClient } from './import-client';

/** The service takes up to 8 MiB per request by default: a batch stays well under it. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const SHOWN_REJECTIONS = 20;

/** Where the file was read up to after an order: for the progress of what the service has answered. */
interface FilePosition {
  byte: number;
  line: number;
}

/** One order read from the file, or a line refused before sending. */
type SourceItem =
  | {
      kind: 'order';
      text: string;
      end: FilePosition;
      reject: (field: string | null, reason: string) => LineRejection;
    }
  | { kind: 'rejected'; rejection: LineRejection };
type OrderItem = Extract<SourceItem, { kind: 'order' }>;

interface Source {
  items: AsyncIterable<SourceItem>;
  /** File lines read so far. */
  linesRead(): number;
}

function jsonLinesSource(path: string): Source {
  const stream = createReadStream(path);
  let line = 0;
  let byte = 0;
  async function* items(): AsyncGenerator<SourceItem> {
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      const at = ++line;
      // A line and its break (counted as one byte: the progress is a little short for CR LF files).
      byte += Buffer.byteLength(text) + 1;
      if (text.trim() === '') continue;
      yield {
        kind: 'order',
        text,
        end: { byte, line: at },
        reject: (field, reason) => ({ line: at, field, reason }),
      };
    }
  }
  return { items: items(), linesRead: () => line };
}

function csvSource(path: string): Source {
  const stream = createReadStream(path);
  const parser = stream.pipe(
    parseCsv({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }),
  );
  let line = 0;
  // An order is complete when the next one starts: the file was read up to the row before.
  let previous: FilePosition = { byte: 0, line: 0 };
  async function* items(): AsyncGenerator<SourceItem> {
    let grouper: CsvOrderGrouper | undefined;
    type Parsed = { record: string[]; info: { lines: number; bytes: number } };
    for await (const { record, info } of parser as AsyncIterable<Parsed>) {
      line = info.lines;
      if (!grouper) grouper = new CsvOrderGrouper(parseCsvHeader(record));
      else yield* grouper.push(record, info.lines).map((output) => toSourceItem(output, previous));
      previous = { byte: info.bytes, line: info.lines };
    }
    if (grouper) yield* grouper.end().map((output) => toSourceItem(output, previous));
  }
  const toSourceItem = (output: ReturnType<CsvOrderGrouper['end']>[number], end: FilePosition): SourceItem =>
    output.kind === 'rejected'
      ? output
      : {
          kind: 'order',
          text: output.text,
          end,
          reject: (field, reason) => csvRejection(output.lines, field, reason),
        };
  return { items: items(), linesRead: () => line };
}

interface Summary {
  file: string;
  format: 'jsonl' | 'csv';
  lines: number;
  orders: number;
  imported: number;
  skipped: number;
  rejected: number;
  firstRejections: LineRejection[];
  seconds: number;
  linesPerSecond: number;
}

/** Orders sent in one request, and the stretch of the file they (and lines refused before) cover. */
interface Batch {
  items: OrderItem[];
  start: FilePosition;
  end: FilePosition;
}

/** Tallies the answers; keeps the rejections with the lowest line numbers to show at the end. */
class Tally {
  imported = 0;
  skipped = 0;
  rejected = 0;
  orders = 0;
  /** How far into the file the service has answered (batches may be answered out of order). */
  answeredBytes = 0;
  answeredLines = 0;
  readonly first: LineRejection[] = [];

  constructor(private readonly out?: WriteStream) {}

  reject(rejection: LineRejection): void {
    this.rejected++;
    this.out?.write(`${JSON.stringify(rejection)}\n`);
    if (this.first.length < SHOWN_REJECTIONS || rejection.line < this.first[this.first.length - 1].line) {
      this.first.push(rejection);
      this.first.sort((a, b) => a.line - b.line);
      this.first.length = Math.min(this.first.length, SHOWN_REJECTIONS);
    }
  }

  add(answer: ImportAnswer, batch: Batch): void {
    this.imported += answer.imported;
    this.skipped += answer.skipped;
    this.answeredBytes += batch.end.byte - batch.start.byte;
    this.answeredLines += batch.end.line - batch.start.line;
    // The answer numbers the batch's lines from 1, in the order they were sent.
    for (const r of answer.rejected) this.reject(batch.items[r.line - 1].reject(r.field, r.reason));
  }
}

export interface ImportRun {
  file: string;
  format?: 'jsonl' | 'csv';
  batch: number;
  concurrency: number;
  client: ImportClient;
  rejectedOut?: string;
  /** Where progress goes (stderr). */
  progress: NodeJS.WriteStream;
}

export async function importFile(run: ImportRun): Promise<Summary> {
  const format = run.format ?? (extname(run.file).toLowerCase() === '.csv' ? 'csv' : 'jsonl');
  const size = statSync(run.file).size;
  const source = format === 'csv' ? csvSource(run.file) : jsonLinesSource(run.file);
  const out = run.rejectedOut ? createWriteStream(run.rejectedOut) : undefined;
  const tally = new Tally(out);
  const started = Date.now();
  const kib = (bytes: number) => Math.round(bytes / 1024);
  let finished = false;
  const writeProgress = progressWriter(
    { label: 'import', unit: 'KiB', rate: format === 'csv' ? 'rows/s' : 'lines/s' },
    run.progress,
  );
  const showProgress = () => {
    const elapsedMs = Date.now() - started;
    writeProgress({
      done: finished ? kib(size) : Math.min(kib(size), kib(tally.answeredBytes)),
      total: kib(size),
      elapsedMs,
      perSecond: elapsedMs > 0 ? Math.round((tally.answeredLines * 1000) / elapsedMs) : 0,
    });
  };
  const ticker = setInterval(showProgress, 250);

  await run.client.authenticate();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const dispatch = async (batch: Batch) => {
    const sending = run.client
      .send(Buffer.from(batch.items.map((item) => item.text).join('\n')))
      .then((answer) => tally.add(answer, batch))
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    while (inFlight.size >= run.concurrency) await Promise.race(inFlight);
    if (failure) throw failure;
  };

  try {
    let batch: Batch = { items: [], start: { byte: 0, line: 0 }, end: { byte: 0, line: 0 } };
    let bytes = 0;
    for await (const item of source.items) {
      if (item.kind === 'rejected') {
        tally.reject(item.rejection);
        continue;
      }
      tally.orders++;
      const length = Buffer.byteLength(item.text) + 1;
      if (batch.items.length > 0 && (batch.items.length >= run.batch || bytes + length > MAX_BATCH_BYTES)) {
        await dispatch(batch);
        batch = { items: [], start: batch.end, end: batch.end };
        bytes = 0;
      }
      batch.items.push(item);
      batch.end = item.end;
      bytes += length;
    }
    if (batch.items.length > 0) await dispatch(batch);
    await Promise.all(inFlight);
    if (failure) throw failure;
    finished = true;
  } finally {
    clearInterval(ticker);
    await new Promise<void>((done) => (out ? out.end(done) : done()));
  }
  showProgress();
  if (run.progress.isTTY) run.progress.write('\n');
  const seconds = (Date.now() - started) / 1000;
  return {
    file: run.file,
    format,
    lines: source.linesRead(),
    orders: tally.orders,
    imported: tally.imported,
    skipped: tally.skipped,
    rejected: tally.rejected,
    firstRejections: tally.first,
    seconds: Math.round(seconds * 10) / 10,
    linesPerSecond: Math.round(source.linesRead() / Math.max(seconds, 0.001)),
  };
}

function printSummary(summary: Summary): void {
  const n = (value: number) => value.toLocaleString('en-US');
  const lines = [
    `${summary.file}: ${n(summary.lines)} ${summary.format === 'csv' ? 'rows' : 'lines'}, ${n(summary.orders)} orders sent`,
    `imported ${n(summary.imported)}, skipped ${n(summary.skipped)} (already imported), rejected ${n(summary.rejected)}`,
    `${summary.seconds} s, ${n(summary.linesPerSecond)} lines/s`,
  ];
  if (summary.firstRejections.length > 0) {
    lines.push(
      `first rejections${summary.rejected > summary.firstRejections.length ? ` (of ${n(summary.rejected)})` : ''}:`,
    );
    for (const r of summary.firstRejections)
      lines.push(`  line ${r.line}${r.field ? ` ${r.field}` : ''}: ${r.reason}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  const parsed = Number(value ?? fallback);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new FatalImportError(`--${name} must be a positive integer`);
  return parsed;
}

const USAGE =
  'usage: npm run import -- FILE [--url http://127.0.0.1:3002] [--batch 1000] [--concurrency 2] ' +
  '[--format jsonl|csv] [--auth-url http://127.0.0.1:3004] [--rejected-out FILE] [--json]\n' +
  'login: IMPORT_TOKEN, or IMPORT_EMAIL / IMPORT_PASSWORD (default: the admin of scripts/stack.sh)\n';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      batch: { type: 'string' },
      concurrency: { type: 'string' },
      format: { type: 'string' },
      'auth-url': { type: 'string' },
      'rejected-out': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || positionals.length !== 1) {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.format !== undefined && values.format !== 'jsonl' && values.format !== 'csv') {
    throw new FatalImportError('--format must be jsonl or csv');
  }
  // npm runs scripts from the repository root: a relative path is the caller's.
  const here = process.env.INIT_CWD ?? process.cwd();
  const file = resolve(here, positionals[0]);
  const env = process.env;
  const client = new ImportClient({
    url: (values.url ?? env.IMPORT_URL ?? 'http://127.0.0.1:3002').replace(/\/$/, ''),
    token: env.IMPORT_TOKEN,
    login: {
      url: (values['auth-url'] ?? env.IMPORT_AUTH_URL ?? 'http://127.0.0.1:3004').replace(/\/$/, ''),
      email: env.IMPORT_EMAIL ?? env.ADMIN_EMAIL ?? 'admin@example.com',
      password: env.IMPORT_PASSWORD ?? env.ADMIN_PASSWORD ?? 'Admin-Passw0rd!',
    },
    onRetry: (message) => process.stderr.write(`\nimport: ${message}\n`),
  });
  const summary = await importFile({
    file,
    format: values.format as 'jsonl' | 'csv' | undefined,
    batch: positiveInteger(values.batch, 'batch', 1000),
    concurrency: positiveInteger(values.concurrency, 'concurrency', 2),
    client,
    rejectedOut: values['rejected-out'] ? resolve(here, values['rejected-out']) : undefined,
    progress: process.stderr,
  });
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else printSummary(summary);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // Fatal errors are the operator's to fix (a file, a login, a service): the message says what.
      process.stderr.write(`\nimport failed: ${(error as Error).message ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
