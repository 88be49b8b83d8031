import { execFile } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { promisify } from 'util';
import { freePort } from './test-service';

const run = promisify(execFile);
const KAFKA_SH = resolve(__dirname, '../../../infra/kafka/kafka.sh');

/**
 * A Kafka broker of the test's own (infra/kafka/kafka.sh with its own ports and state dir), for tests
 * that stop and restart Kafka without disturbing the broker every other suite uses.
 */
export class LocalKafkaBroker {
  private constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly stateDir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<LocalKafkaBroker> {
    const stateDir = mkdtempSync(join(tmpdir(), 'kafka-test-'));
    const port = await freePort();
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    const env = {
      ...process.env,
      KAFKA_STATE_DIR: stateDir,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_HEAP: '-Xmx384m -Xms128m',
    };
    return new LocalKafkaBroker(env, stateDir, port);
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await run('bash', [KAFKA_SH, 'start'], { env: this.env, timeout: 120_000 });
  }

  async stop(): Promise<void> {
    await run('bash', [KAFKA_SH, 'stop'], { env: this.env, timeout: 60_000 });
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}
