import type { EventEnvelope } from '@ecom/contracts';
import {
  createTestDatabase,
  deleteTestTopics,
  freePort,
  ServiceProcess,
  startServiceProcess,
  TestDatabase,
} from '@ecom/testing';
import { DataSource } from 'typeorm';
import { publishTo } from './test/delivery';
import { goldenEvents } from './test/golden-events';
import { DETERMINISTIC_ENV, freshTopics, handledCount, openDataSource, processedCount } from './test/harness';
import { syntheticBehaviour } from './test/synthetic-events';

/** One answer of GET /health/ready, or why there was none (the process not listening yet). */
interface Probe {
  atMs: number;
  status: number | 'no answer';
  body?: ReadyBody;
}

interface ReadyBody {
  details?: {
    consumers?: { catchingUp?: { name: string; state: string; lag: number | null }[] };
    projector?: { state: string; lagEvents: number | null };
  };
}

const POLL_MS = 100;

/**
 * A projector (re)started with a backlog waiting on its topics: the golden scenario on every topic
 * plus a few thousand behaviour events. /health/ready, polled from the moment the process is
 * spawned, answers 503 (starting, or catching up with its lag unknown or above 0) until every event
 * is projected, then 200 and only 200: never a 200 while events still wait.
 */
describe('projector readiness with a backlog after a (re)start', () => {
  const events: EventEnvelope[] = [...goldenEvents(), ...syntheticBehaviour(1500)];
  const expected = handledCount(events);
  let prefix: string;
  let database: TestDatabase;
  let projector: ServiceProcess | undefined;
  let dataSource: DataSource | undefined;

  beforeAll(async () => {
    prefix = await freshTopics('ready');
    database = await createTestDatabase('analytics_ready');
    await publishTo(prefix, events, 'backlog-producer');
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await projector?.close();
    await database?.drop().catch(() => undefined);
    if (prefix) await deleteTestTopics(prefix);
  });

  it('answers 503 while catching up and 200 only once every event is projected, without flapping', async () => {
    const httpPort = await freePort();
    const started = Date.now();
    const probes: Probe[] = [];
    let firstReady: { processed: number; visitorEvents: number } | undefined;
    let polling = true;

    const poll = async () => {
      while (polling) {
        const atMs = Date.now() - started;
        const answer = await fetch(`http://127.0.0.1:${httpPort}/health/ready`, {
          signal: AbortSignal.timeout(2000),
        }).catch(() => undefined);
        if (!answer) probes.push({ atMs, status: 'no answer' });
        else {
          probes.push({ atMs, status: answer.status, body: (await answer.json()) as ReadyBody });
          if (answer.status === 200 && !firstReady) {
            // What the read models hold the moment the projector first says it is ready.
            dataSource ??= await openDataSource(database);
            firstReady = {
              processed: await processedCount(dataSource),
              visitorEvents: await visitorEventCount(dataSource),
            };
          }
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    };

    const polls = poll();
    try {
      projector = await startServiceProcess('analytics-projector', {
        database,
        topicPrefix: prefix,
        readyTimeoutMs: 60_000,
        httpPort,
        env: DETERMINISTIC_ENV,
      });
      // Ready from here on: a few more seconds of answers, all of them 200.
      await new Promise((resolve) => setTimeout(resolve, 3000));
    } finally {
      polling = false;
      await polls;
    }

    const answered = probes.filter((p) => p.status !== 'no answer');
    const firstOk = answered.findIndex((p) => p.status === 200);
    // Usually the first answers are 503s (the backlog takes seconds); on a machine loaded enough
    // that the HTTP port opens only after the backlog is applied there is no 503 to see, and what
    // must hold is checked below either way: no 200 before every event is projected, none lost after.
    expect(firstOk).toBeGreaterThanOrEqual(0);
    const before = answered.slice(0, firstOk);
    const after = answered.slice(firstOk);

    // The first 200 came only once every event was projected, and no 503 followed it.
    dataSource ??= await openDataSource(database);
    expect(firstReady).toEqual({
      processed: expected,
      visitorEvents: await visitorEventCount(dataSource),
    });
    expect(await processedCount(dataSource)).toBe(expected);
    expect(after.map((p) => p.status)).toEqual(after.map(() => 200));
    expect(after.length).toBeGreaterThan(10);

    // Before the first 200: every answer a 503, either still starting (consumer not registered) or
    // catching up with a lag that is not known yet or above 0, never a claimed 0.
    const untruthful = before.filter((probe) => {
      const details = probe.body?.details;
      if (probe.status !== 503) return true;
      if (details?.projector?.state === 'starting') return false;
      const catchingUp = details?.consumers?.catchingUp ?? [];
      return !(
        catchingUp.length === 1 &&
        catchingUp[0].state === 'catching-up' &&
        (catchingUp[0].lag === null || catchingUp[0].lag > 0)
      );
    });
    expect(
      untruthful.map((p) => ({ atMs: p.atMs, status: p.status, details: p.body?.details?.consumers })),
    ).toEqual([]);
    // The backlog took a measurable time: the consumer was seen catching up, not only starting.
    const catchingUpAnswers = before.filter((p) => p.body?.details?.projector?.state === 'consuming');
    expect(catchingUpAnswers.length).toBeGreaterThan(0);

    const caughtUpAfterMs = answered[firstOk].atMs - answered[0].atMs;
    console.log(
      `readiness: ${expected} events; first answer after ${answered[0].atMs} ms, ` +
        `${before.length} answers 503 (${catchingUpAnswers.length} while consuming), ` +
        `200 after ${caughtUpAfterMs} ms more, then ${after.length} answers 200`,
    );
  }, 180_000);
});

async function visitorEventCount(dataSource: DataSource): Promise<number> {
  const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM an_visitor_events`);
  return n;
}
