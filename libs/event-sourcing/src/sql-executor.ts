/**
 * What the event-sourcing code needs from a database handle: a parameterised query. A TypeORM
 * DataSource, EntityManager (inside a transaction) or QueryRunner all satisfy it, so callers pass
 * the transaction they are in and the append, the outbox row and their read-model change commit together.
 */
export interface SqlExecutor {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

/** Builds "($1,$2,$3),($4,$5,$6)" for a multi-row insert of `rows` rows of `columns` values. */
export function valuePlaceholders(rows: number, columns: number, offset = 0): string {
  const groups: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < columns; c++) cells.push(`$${offset + r * columns + c + 1}`);
    groups.push(`(${cells.join(',')})`);
  }
  return groups.join(',');
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
