import type { QueryRunner } from 'typeorm';
import type { SqlExecutor } from '@ecom/event-sourcing';
import { DataSource } from 'typeorm';

/**
 * Live projectors hold this advisory lock shared for as long as they consume; a rebuild takes it
 * exclusively, so a rebuild never runs beside a live projector, and projectors started during a
 * rebuild wait for it to finish and then consume the generation it built.
 */
export const PROJECTOR_LOCK_KEY = 7_310_071;

export const PROJECTOR_BASE_NAME = 'analytics-projector';

/**
 * The consumer name (Kafka consumer group and key of the processed-event records) of a generation.
 * A rebuild starts a new generation: a fresh group reads every topic from the beginning, and its
 * processed-event records start empty, without touching the offsets of the group it replaces.
 */
export function consumerNameOf(generation: number): string {
  return generation === 1 ? PROJECTOR_BASE_NAME : `${PROJECTOR_BASE_NAME}.g${generation}`;
}

export async function currentGeneration(sql: SqlExecutor): Promise<number> {
  const [row] = await sql.query(`SELECT generation FROM an_projector_state WHERE id = 1`);
  return row.generation as number;
}

/** A connection of its own holding the projector lock (shared for live projectors, exclusive for a rebuild). */
export class ProjectorLock {
  private constructor(private readonly runner: QueryRunner) {}

  /** Waits until no rebuild runs, then holds the lock shared. */
  static async shared(dataSource: DataSource): Promise<ProjectorLock> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock_shared($1)`, [PROJECTOR_LOCK_KEY]);
    } catch (error) {
      await runner.release();
      throw error;
    }
    return new ProjectorLock(runner);
  }

  /** Takes the lock exclusively, or returns undefined when a live projector (or another rebuild) holds it. */
  static async tryExclusive(dataSource: DataSource): Promise<ProjectorLock | undefined> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock($1) AS locked`, [
      PROJECTOR_LOCK_KEY,
    ]);
    if (!locked) {
      await runner.release();
      return undefined;
    }
    return new ProjectorLock(runner);
  }

  async release(): Promise<void> {
    await this.runner.query(`SELECT pg_advisory_unlock_all()`).catch(() => undefined);
    await this.runner.release();
  }
}
