import type { SqlExecutor } from '@ecom/event-sourcing';
import { NotFoundError } from '@ecom/event-sourcing';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface WarehouseView {
  id: string;
  code: string;
  name: string;
  region: string | null;
  createdAt: string;
}

interface WarehouseRow {
  code: string;
  warehouse_id: string;
  name: string;
  region: string | null;
  created_at: Date;
}

const toView = (row: WarehouseRow): WarehouseView => ({
  id: row.warehouse_id,
  code: row.code,
  name: row.name,
  region: row.region,
  createdAt: row.created_at.toISOString(),
});

/** Queries of the warehouses read model: listing, lookups, and regions for the reservation rule. */
@Injectable()
export class WarehouseDirectory {
  private readonly knownRegions = new Map<string, string | null>();
  private regionsRead = false;

  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<WarehouseView[]> {
    const rows: WarehouseRow[] = await this.dataSource.query(`SELECT * FROM inv_warehouses ORDER BY code`);
    return rows.map(toView);
  }

  async find(code: string, sql: SqlExecutor = this.dataSource): Promise<WarehouseView | null> {
    const rows: WarehouseRow[] = await sql.query(`SELECT * FROM inv_warehouses WHERE code = $1`, [code]);
    return rows.length ? toView(rows[0]) : null;
  }

  /** The warehouse, or a 404 naming it. */
  async require(code: string, sql?: SqlExecutor): Promise<WarehouseView> {
    const warehouse = await this.find(code, sql);
    if (!warehouse) throw new NotFoundError(`warehouse ${code} not found`, 'WAREHOUSE_NOT_FOUND');
    return warehouse;
  }

  /**
   * Regions of the warehouses by code, at least of these. A warehouse's region is fixed when it is
   * created, so they are read the first time, kept in memory, and read again only when a code is not
   * known yet (a new warehouse).
   */
  async regions(
    codes: Iterable<string>,
    sql: SqlExecutor = this.dataSource,
  ): Promise<Map<string, string | null>> {
    const missing = !this.regionsRead || [...codes].some((code) => !this.knownRegions.has(code));
    if (missing) {
      const rows: { code: string; region: string | null }[] = await sql.query(
        `SELECT code, region FROM inv_warehouses`,
      );
      for (const row of rows) this.knownRegions.set(row.code, row.region);
      this.regionsRead = true;
    }
    return this.knownRegions;
  }
}
