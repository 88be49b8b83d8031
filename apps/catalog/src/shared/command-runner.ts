import type { EventContext } from '@ecom/contracts';
import { AggregateRepository, CommandResult, ConflictError, DomainEvent } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { EntityManager, QueryFailedError } from 'typeorm';

/** A decision that may read facts (other aggregates' read models, locks) in the command's transaction. */
export type DecideInTransaction<TState, TEvent extends DomainEvent> = (
  state: TState,
  tx: EntityManager,
  version: number,
) => readonly TEvent[] | Promise<readonly TEvent[]>;

/**
 * Runs catalog commands: load -> decide -> append through the AggregateRepository, inside one
 * transaction that the decision can also read facts from (a category's children, taken SKU codes),
 * so the facts, the events, the outbox rows and the read models commit together. Version conflicts
 * are retried by the repository (under READ COMMITTED each retry reloads the committed stream).
 * A unique-index violation of a read-model claim (a SKU code, a sibling category name taken by a
 * concurrent command) becomes a 409.
 */
@Injectable()
export class CommandRunner {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  async run<TState, TEvent extends DomainEvent>(
    repository: AggregateRepository<TState, TEvent>,
    aggregateId: string,
    decide: DecideInTransaction<TState, TEvent>,
    context: EventContext,
  ): Promise<CommandResult<TState>> {
    let result: CommandResult<TState>;
    try {
      result = await this.runtime.dataSource.transaction((tx) =>
        repository.execute(aggregateId, (state, version) => decide(state, tx, version), context, { tx }),
      );
    } catch (error) {
      throw translateClaimViolation(error);
    }
    return result;
  }
}

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/** Maps a unique violation on one of the catalog's claim indexes to the 409 a client understands. */
export function translateClaimViolation(error: unknown): unknown {
  if (!(error instanceof QueryFailedError)) return error;
  const pg = (error as QueryFailedError & { driverError?: PgError }).driverError ?? {};
  if (pg.code !== '23505') return error;
  if (pg.constraint === 'catalog_skus_pkey') {
    const code = /\(code\)=\((.*)\)/.exec(pg.detail ?? '')?.[1];
    const named = code ? `SKU code ${code}` : 'a SKU code of the request';
    return new ConflictError(`${named} is already used by another product`, 'SKU_CODE_TAKEN', {
      sku: code ?? null,
    });
  }
  if (pg.constraint === 'catalog_categories_sibling_name') {
    return new ConflictError(
      'a category with this name already exists under the same parent',
      'CATEGORY_NAME_TAKEN',
    );
  }
  return error;
}
