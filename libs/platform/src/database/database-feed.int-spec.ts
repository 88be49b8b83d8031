import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { testInfrastructure } from '@ecom/testing';
import { ensureDatabaseFedBy } from './database-feed';

describe('ensureDatabaseFedBy', () => {
  const server = testInfrastructure().databaseUrl;
  const name = `test_feed_${randomBytes(4).toString('hex')}`;
  const url = (() => {
    const u = new URL(server);
    u.pathname = `/${name}`;
    return u.toString();
  })();

  async function onServer<T>(target: string, work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: target });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
  const markerRows = () =>
    onServer(url, async (c) => {
      const { rows } = await c.query(`SELECT to_regclass('public.marker') IS NOT NULL AS present`);
      return rows[0].present as boolean;
    });

  afterAll(() => onServer(server, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));

  it('creates a missing database, keeps it for the same feed and recreates it empty for another', async () => {
    expect(await ensureDatabaseFedBy(url, 'cluster-a/')).toBe('created');
    await onServer(url, (c) => c.query('CREATE TABLE marker (id int)'));

    expect(await ensureDatabaseFedBy(url, 'cluster-a/')).toBe('kept');
    expect(await markerRows()).toBe(true);

    expect(await ensureDatabaseFedBy(url, 'cluster-b/')).toBe('recreated');
    expect(await markerRows()).toBe(false);
    expect(await ensureDatabaseFedBy(url, 'cluster-b/')).toBe('kept');
  });

  it('recreates a database that records no feed, even with a session open on it', async () => {
    await onServer(server, (c) => c.query(`COMMENT ON DATABASE "${name}" IS NULL`));
    const open = new Client({ connectionString: url });
    await open.connect();
    open.on('error', () => undefined); // terminated by the drop
    await open.query('CREATE TABLE marker (id int)');

    expect(await ensureDatabaseFedBy(url, 'cluster-b/')).toBe('recreated');
    expect(await markerRows()).toBe(false);
    await open.end().catch(() => undefined);
  });
});
