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
