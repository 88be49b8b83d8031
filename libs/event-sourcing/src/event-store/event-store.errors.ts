import { ConflictError } from '../domain/domain-error';

/** An append expected a stream version that is no longer current: somebody appended first. */
export class StreamVersionConflictError extends ConflictError {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number | 'any',
    readonly actualVersion: number | null,
    /** False when the expected version came from a client: deciding again cannot help, the client must reload. */
    readonly retryable = true,
  ) {
    super(
      `stream ${streamId} is at version ${actualVersion ?? 'none'}, expected ${expectedVersion}`,
      'STREAM_VERSION_CONFLICT',
      { streamId, expectedVersion, actualVersion },
    );
  }
}

/**
 * Runs `attempt` until it does not lose a version race (a retryable StreamVersionConflictError),
 * at most `maxAttempts` times, with a jittered back-off so that contenders do not collide again in
 * lock step. Each attempt must load afresh.
 */
export async function retryOnVersionConflict<T>(attempt: () => Promise<T>, maxAttempts: number): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const retry = error instanceof StreamVersionConflictError && error.retryable && n < maxAttempts;
      if (!retry) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 * n * n)));
    }
  }
}
