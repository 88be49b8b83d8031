/**
 * The quick bench as part of the test suite: runs `npm run bench -- --quick` as a child process
 * against the stack on the default ports (starting it when none runs, and stopping what it started)
 * and checks its JSON: every phase produced its figures, all numeric, and the flash sale confirmed
 * exactly its stock. The stack uses its own databases and unprefixed topics, so it does not collide
 * with the other suites, which use fresh databases and topic prefixes of their own.
 */
import { spawn } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { QUICK } from './lib/profile';
import type { BenchReport } from './lib/report';

const ROOT = join(__dirname, '..');

/** Figures every quick run must report (the full run has these and more). */
const EXPECTED = [
  'idle.cpuPercent',
  'fullLoop.c4.paidPerSecond',
  'fullLoop.c4.postP99',
  'fullLoop.c4.confirmedP99',
  'fullLoop.c4.loopP99',
  'fullLoop.c4.cpuPerPaidOrder',
  'fullLoop.c4.pgCommitsPerPaidOrder',
  'fullLoop.c4.kafkaEventsPerSecond',
  'projector.liveLagP99',
  'intake.acceptedPerSecond',
  'intake.postP99',
  'intake.allDecidedAfterLastPost',
  'flash.confirmed',
  'flash.allDecided',
  'analytics.rfmSegments.perSecond',
  'analytics.productMatrix.p99',
  'storefront.productDetail.perSecond',
  'storefront.healthLive.perSecond',
  'storefront.availabilityGrpc.perSecond',
  'storefront.skuGrpc.p99',
  'projector.replayPerSecond',
  'reference.pgbenchTps',
  'reference.kafkaProducePerSecond',
  'reference.kafkaConsumePerSecond',
  'reference.fastifyPerSecond',
];

/** Runs a bench script (`bench/run.ts --quick ...`, `bench/chaos/run.ts ...`) as people run it. */
function runScript(args: string[]): Promise<{ code: number | null; output: string }> {
  // Not the test worker's environment: a stack the bench starts must run as it does for people.
  const env = { ...process.env };
  delete env.NODE_ENV;
  delete env.ECOM_TEST_INFRA;
  delete env.LOG_LEVEL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run bench -- --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecom-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'runs every phase against the stack and reports every figure',
    async () => {
      const out = join(dir, 'quick.json');
      const { code, output } = await runScript(['bench/run.ts', '--quick', '--out', out]);
      let report: BenchReport;
      try {
        report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
      } catch {
        throw new Error(`the bench wrote no results (exit ${code}):\n${output.slice(-4000)}`);
      }
      const failed = report.checks.filter((c) => !c.ok);
      expect(failed).toEqual([]);
      expect(code).toBe(0);

      const byId = new Map(report.figures.map((f) => [f.id, f]));
      expect(EXPECTED.filter((id) => !byId.has(id))).toEqual([]);
      const notNumeric = report.figures.filter(
        (f) => typeof f.value !== 'number' || !Number.isFinite(f.value),
      );
      expect(notNumeric.map((f) => f.id)).toEqual([]);
      expect(byId.get('flash.confirmed')?.value).toBe(QUICK.flash.units);
      expect(report.meta).toMatchObject({
        mode: 'quick',
        gitCommit: expect.stringMatching(/^[0-9a-f]{40}$/),
      });
      expect(report.meta.loadAverageEnd).toHaveLength(3);
    },
    6 * 60_000,
  );
});

describe('npm run chaos (the short variant: apps killed, Kafka left to the other suites)', () => {
  it(
    'loses no order, oversells nothing and counts every payment once while each app is killed with SIGKILL',
    async () => {
      const { code, output } = await runScript([
        'bench/chaos/run.ts',
        '--shoppers',
        '4',
        '--seconds',
        '16',
        '--no-kafka-restart',
      ]);
      const failed = output.split('\n').filter((line) => line.startsWith('- FAILED'));
      expect(failed).toEqual([]);
      expect(output).toContain('chaos: everything held');
      expect(output).toMatch(/\d+ orders accepted \(202\), [1-9]\d* paid/);
      expect(code).toBe(0);
    },
    8 * 60_000,
  );
});
