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
    /** The SASL/PLAIN listener's port, when the broker was created with accounts. */
    readonly saslPort?: number,
  ) {}

  /** `saslPlainUsers` (user -> password) adds a SASL_PLAINTEXT listener with mechanism PLAIN. */
  static async create(options: { saslPlainUsers?: Record<string, string> } = {}): Promise<LocalKafkaBroker> {
    const stateDir = mkdtempSync(join(tmpdir(), 'kafka-test-'));
    const ports: number[] = [];
    const distinctPort = async () => {
      let port = await freePort();
      while (ports.includes(port)) port = await freePort();
      ports.push(port);
      return port;
    };
    const port = await distinctPort();
    const controllerPort = await distinctPort();
    const users = Object.entries(options.saslPlainUsers ?? {});
    const saslPort = users.length > 0 ? await distinctPort() : undefined;
    const env = {
      ...process.env,
      KAFKA_STATE_DIR: stateDir,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_HEAP: '-Xmx384m -Xms128m',
      KAFKA_SASL_PORT: saslPort === undefined ? '' : String(saslPort),
      KAFKA_SASL_PLAIN_USERS: users.map(([user, password]) => `${user}:${password}`).join(','),
    };
    return new LocalKafkaBroker(env, stateDir, port, saslPort);
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The SASL/PLAIN listener, for clients that must authenticate. */
  get saslBrokers(): string {
    if (this.saslPort === undefined) throw new Error('this broker was created without SASL accounts');
    return `127.0.0.1:${this.saslPort}`;
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
