import { TestTokens } from '@ecom/auth';
import { EventSourcingRuntime } from '@ecom/platform';
import { createTestDatabase, TestDatabase, TestService } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { MEMBERS_SETTINGS, MembersSettings } from '../../config/members.settings';
import { GOOD_PASSWORD, startMembersService, uniqueEmail } from '../../test/members-test-service';
import { PasswordHasher } from '../credentials/password-hasher';
import { AdminBootstrap } from './admin-bootstrap';

const ADMIN_PASSWORD = 'Admin password 2026!';

describe('first admin from ADMIN_EMAIL / ADMIN_PASSWORD', () => {
  let database: TestDatabase;
  const tokens = new TestTokens();
  const started: TestService[] = [];
  const adminEmail = uniqueEmail('admin');

  // Replicas share the database (what the bootstrap is about); each has its own topic prefix so that
  // the test does not wait on Kafka consumer-group rebalances when replicas come and go.
  const start = async () => {
    const service = await startMembersService({
      database,
      tokens,
      env: { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD },
    });
    started.push(service);
    return service;
  };
  const stop = async (service: TestService) => {
    started.splice(started.indexOf(service), 1);
    await service.close();
  };
  const adminAccounts = async (service: TestService) =>
    service.app
      .get(DataSource)
      .query(
        `SELECT a.member_id, s.roles FROM member_accounts a JOIN member_summaries s USING (member_id) WHERE lower(a.email) = lower($1)`,
        [adminEmail],
      );
  /** The service's bootstrap, run again with other settings. */
  const bootstrapWith = (service: TestService, admin: MembersSettings['admin']) =>
    new AdminBootstrap(service.app.get(EventSourcingRuntime), service.app.get(PasswordHasher), {
      ...service.app.get<MembersSettings>(MEMBERS_SETTINGS),
      admin,
    }).ensureAdmin();

  beforeAll(async () => {
    database = await createTestDatabase('members_admin');
  });
  afterAll(async () => {
    for (const service of [...started]) await service.close().catch(() => undefined);
    await database?.drop();
  });

  it('creates the admin once when two replicas start together, and not again on a restart', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    expect([a.app.get(AdminBootstrap).outcome, b.app.get(AdminBootstrap).outcome].sort()).toEqual([
      'created',
      'exists',
    ]);
    const accounts = await adminAccounts(a);
    expect(accounts).toEqual([{ member_id: expect.any(String), roles: ['admin'] }]);

    await stop(a);
    const restarted = await start();
    expect(restarted.app.get(AdminBootstrap).outcome).toBe('exists');
    expect(await adminAccounts(restarted)).toEqual(accounts);
    const [{ registrations }] = await restarted.app
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS registrations FROM es_events WHERE type = 'MemberRegistered' AND aggregate_id = $1`,
        [accounts[0].member_id],
      );
    expect(registrations).toBe(1);
    await stop(b);
  });

  it('lets the admin log in with an admin token and give a member the operator role, but not demote themself', async () => {
    const service = started[0];
    const login = await service.http('/v1/auth/login', {
      body: { email: adminEmail, password: ADMIN_PASSWORD },
    });
    expect(login.status).toBe(200);
    expect(login.body.member.roles).toEqual(['admin']);
    const member = await service.http('/v1/members', {
      body: { email: uniqueEmail('promoted'), password: GOOD_PASSWORD, displayName: 'Promoted' },
    });
    const changed = await service.http(`/v1/members/${member.body.id}/roles`, {
      method: 'PUT',
      token: login.body.accessToken,
      body: { roles: ['operator'] },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.roles).toEqual(['operator']);
    const self = await service.http(`/v1/members/${login.body.member.id}/roles`, {
      method: 'PUT',
      token: login.body.accessToken,
      body: { roles: ['operator'] },
    });
    expect(self.status).toBe(422);
    expect(self.body.message).toBe('an admin cannot remove their own admin role');
  });

  it('does not promote a customer who registered the ADMIN_EMAIL address first', async () => {
    const service = started[0];
    const squatter = uniqueEmail('squatter');
    expect(
      (
        await service.http('/v1/members', {
          body: { email: squatter, password: GOOD_PASSWORD, displayName: 'Squatter' },
        })
      ).status,
    ).toBe(201);
    await expect(bootstrapWith(service, { email: squatter, password: ADMIN_PASSWORD })).resolves.toBe(
      'exists-not-admin',
    );
    const login = await service.http('/v1/auth/login', {
      body: { email: squatter, password: GOOD_PASSWORD },
    });
    expect(login.body.member.roles).toEqual(['customer']);
  });

  it('refuses a weak ADMIN_PASSWORD for a new admin (the start-up fails) and creates nothing', async () => {
    const service = started[0];
    const email = uniqueEmail('weakadmin');
    await expect(bootstrapWith(service, { email, password: 'admin' })).rejects.toThrow(
      /^ADMIN_PASSWORD is refused: password must be at least 10 characters/,
    );
    const rows = await service.app
      .get(DataSource)
      .query(`SELECT 1 FROM member_accounts WHERE lower(email) = lower($1)`, [email]);
    expect(rows).toHaveLength(0);
  });
});
