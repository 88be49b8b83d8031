/**
 * Phase 8: reference limits measured in the same run on the same machine, so each figure can be
 * read as a share of what the layer underneath can do at all:
 *   - PostgreSQL: pgbench with a one-row INSERT per transaction (8 clients, 2 threads) in a scratch
 *     database bench_reference_<run id>;
 *   - Kafka: raw kafkajs produce (idempotent, acks=-1, batches) and consume (eachBatch) of messages
 *     the size of an event envelope, on a scratch topic;
 *   - HTTP: a bare Fastify route in a child process, under the storefront reads' load.
 */
import { execFile, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { busiest, closeCpuWindow, openCpuWindow } from '../lib/cpu-window';
import { HttpClient } from '../lib/http';
import { kafka } from '../lib/kafka';
import { runClosedLoop } from '../lib/load';
import { connect } from '../lib/pg';
import { info, phase, Ticker } from '../lib/progress';
import { ROOT } from '../lib/stack';
import { BenchContext } from './context';

const ENVELOPE_BYTES = 600;

async function pgbench(runId: string, seconds: number): Promise<{ tps: number; output: string }> {
  // Named per run: two bench runs at once (e.g. the test suite's quick one) must not drop each other's.
  const database = `bench_reference_${runId}`;
  const admin = await connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  const dir = mkdtempSync(join(tmpdir(), 'ecom-bench-'));
  try {
    const db = await connect(database);
    await db.query(
      `CREATE TABLE bench_insert (id bigserial PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    );
    await db.end();
    const script = join(dir, 'insert.sql');
    writeFileSync(script, `INSERT INTO bench_insert (payload) VALUES (repeat('x', ${ENVELOPE_BYTES}));\n`);
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        'pgbench',
        [
          '-h',
          '127.0.0.1',
          '-U',
          'postgres',
          '-n',
          '-c',
          '8',
          '-j',
          '2',
          '-T',
          String(seconds),
          '-f',
          script,
          database,
        ],
        { timeout: (seconds + 30) * 1000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`pgbench: ${stderr || error.message}`)) : resolve(stdout),
      ),
    );
    const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1] ?? NaN);
    return { tps: Math.round(tps), output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

async function kafkaRaw(runId: string, durationMs: number, maxMessages: number) {
  const client = kafka('ecom-bench-reference');
  const admin = client.admin();
  const topic = `bench-reference-${runId}`;
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 6, replicationFactor: 1 }],
  });
  try {
    // Same producer settings as the outbox relay (libs/messaging): idempotent, one request in flight.
    const producer = client.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    const value = Buffer.from(JSON.stringify({ data: 'x'.repeat(ENVELOPE_BYTES - 12) }));
    let produced = 0;
    const ticker = new Ticker('kafka produce', () => `${produced} messages`).start();
    const started = performance.now();
    while (performance.now() - started < durationMs && produced < maxMessages) {
      const batch = Array.from({ length: 500 }, () => ({ key: randomBytes(8).toString('hex'), value }));
      await producer.send({ topic, acks: -1, messages: batch });
      produced += batch.length;
    }
    const produceMs = performance.now() - started;
    ticker.stop();
    await producer.disconnect();

    const consumer = client.consumer({ groupId: `${topic}-reader`, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let consumed = 0;
    let firstAt = 0;
    let lastAt = 0;
    const consumeTicker = new Ticker('kafka consume', () => `${consumed}/${produced} messages`).start();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('kafka reference: consume timed out')), 120_000);
      void consumer.run({
        partitionsConsumedConcurrently: 3,
        eachBatch: async ({ batch }) => {
          if (!firstAt) firstAt = performance.now();
          consumed += batch.messages.length;
          lastAt = performance.now();
          if (consumed >= produced) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    consumeTicker.stop();
    await consumer.disconnect();
    await admin.deleteGroups([`${topic}-reader`]).catch(() => undefined);
    return {
      messageBytes: value.length,
      produced,
      producePerSecond: Math.round((produced * 1000) / produceMs),
      consumed,
      // From the first batch on: joining the group is not part of the rate.
      consumePerSecond: Math.round((consumed * 1000) / Math.max(1, lastAt - firstAt)),
    };
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

async function bareFastify(ctx: BenchContext) {
  const { connections, durationMs, maxOps } = ctx.profile.storefront;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/reference/fastify-server.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      child.once('exit', (code) => reject(new Error(`fastify reference exited with ${code}`)));
    });
    const client = new HttpClient(port, connections);
    try {
      await runClosedLoop({ label: 'warm-up', workers: connections, durationMs: 500, maxOps }, async () => {
        return (await client.get('/ping', { parse: false })).status;
      });
      const cpuBefore = await openCpuWindow(ctx.pg, new Map([[child.pid ?? -1, 'fastify-reference']]));
      const load = await runClosedLoop(
        { label: 'bare Fastify GET /ping', workers: connections, durationMs, maxOps },
        async () => (await client.get('/ping', { parse: false })).status,
      );
      return { ...load, cpuPercentOfCore: busiest(await closeCpuWindow(ctx.pg, cpuBefore)) };
    } finally {
      await client.close();
    }
  } finally {
    child.kill('SIGTERM');
  }
}

export async function references(ctx: BenchContext): Promise<void> {
  const { profile, results, shop } = ctx;
  phase('reference limits: pgbench, raw Kafka, bare Fastify');

  info(`pgbench: one-row INSERT, 8 clients, 2 threads, ${profile.reference.pgbenchSeconds} s`);
  const pg = await pgbench(shop.runId, profile.reference.pgbenchSeconds);
  info(`pgbench: ${pg.tps} tps`);
  results.figure({
    id: 'reference.pgbenchTps',
    label: 'reference: pgbench one-row INSERT (8 clients)',
    short: 'pgbench INSERT',
    value: pg.tps,
    unit: 'tps',
  });

  const raw = await kafkaRaw(shop.runId, profile.reference.kafkaMs, profile.reference.kafkaMaxMessages);
  info(
    `kafka: produce ${raw.producePerSecond} msgs/s, consume ${raw.consumePerSecond} msgs/s (${raw.messageBytes} B)`,
  );
  results.figure({
    id: 'reference.kafkaProducePerSecond',
    label: `reference: raw Kafka produce (${raw.messageBytes} B, acks=-1, idempotent, batches of 500)`,
    short: 'raw Kafka produce',
    value: raw.producePerSecond,
    unit: 'msgs/s',
  });
  results.figure({
    id: 'reference.kafkaConsumePerSecond',
    label: 'reference: raw Kafka consume (eachBatch)',
    short: 'raw Kafka consume',
    value: raw.consumePerSecond,
    unit: 'msgs/s',
  });

  const fastify = await bareFastify(ctx);
  results.load('references', fastify);
  results.figure({
    id: 'reference.fastifyPerSecond',
    label: `reference: bare Fastify route (${profile.storefront.connections} connections)`,
    short: 'bare Fastify',
    value: fastify.okPerSecond,
    unit: 'req/s',
  });
  results.figure({
    id: 'reference.fastifyP99',
    label: 'reference: bare Fastify route p99',
    value: fastify.latency.p99,
    unit: 'ms',
    secondary: true,
  });
  results.detail('references', { pgbench: { tps: pg.tps, clients: 8, threads: 2 }, kafka: raw, fastify });
}
