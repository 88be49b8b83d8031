import { CommandSession, CommandSessions, ConflictError } from '@ecom/event-sourcing';
import { QueryFailedError } from 'typeorm';

/**
 * Runs one catalog command in one transaction: the facts it reads through `session.sql` (a
 * category's children, taken SKU codes), its events, outbox rows and read models commit together,
 * and a lost version race runs it again on fresh facts. A unique violation of a read-model claim
 * (a SKU code, a sibling category name taken by a concurrent command) becomes a 409.
 */
export async function runCatalogCommand<T>(
  commands: CommandSessions,
  work: (session: CommandSession) => Promise<T>,
): Promise<T> {
  try {
    return await commands.run(work);
  } catch (error) {
    throw translateClaimViolation(error);
  }
}

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/** Maps a unique violation on one of the catalog's claim indexes to the 409 a client understands. */
function translateClaimViolation(error: unknown): unknown {
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
