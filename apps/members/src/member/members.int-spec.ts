import { createEventSchemaRegistry, Topics } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { grpcTestClient, TestService, TopicProbe, waitUntil } from '@ecom/testing';
import * as grpc from '@grpc/grpc-js';
import { DataSource } from 'typeorm';
import { GOOD_PASSWORD, startMembersService, uniqueEmail } from '../test/members-test-service';
import { MemberProjections } from './member.module';

interface MembersClient extends grpc.Client {
  getMember(
    request: { id: string },
    metadata: grpc.Metadata,
    callback: (error: grpc.ServiceError | null, member?: unknown) => void,
  ): void;
}

describe('members REST and gRPC (PostgreSQL, Kafka)', () => {
  let service: TestService;
  let probe: TopicProbe;
  let grpcClient: MembersClient;
  /** Every raw personal value this suite sends, to look for on the topic at the end. */
  const secrets: string[] = [];

  const register = (body: Record<string, unknown>) => service.http('/v1/members', { body });
  const login = async (email: string, password = GOOD_PASSWORD) => {
    const response = await service.http('/v1/auth/login', { body: { email, password } });
    expect(response.status).toBe(200);
    return response.body as { accessToken: string; member: { id: string; roles: string[] } };
  };
  async function newCustomer(label: string, phone?: string) {
    const email = uniqueEmail(label);
    const response = await register({
      email,
      password: GOOD_PASSWORD,
      displayName: label,
      ...(phone ? { phone } : {}),
    });
    expect(response.status).toBe(201);
    secrets.push(email);
    if (phone) secrets.push(phone);
    const { accessToken } = await login(email);
    return { id: response.body.id as string, email, token: accessToken };
  }
  const getMember = (id: string, token?: string) =>
    new Promise<{ error: grpc.ServiceError | null; member?: Record<string, unknown> }>((resolve) => {
      const metadata = new grpc.Metadata();
      if (token) metadata.set('authorization', `Bearer ${token}`);
      grpcClient.getMember({ id }, metadata, (error, member) =>
        resolve({ error, member: member as Record<string, unknown> }),
      );
    });

  beforeAll(async () => {
    service = await startMembersService();
    probe = await TopicProbe.start(service.topicPrefix, [Topics.members]);
    grpcClient = grpcTestClient<MembersClient>('members', 'MembersService', service.grpcAddress!, {
      keepCase: false,
      longs: String,
      enums: String,
      defaults: true,
    });
  });
  afterAll(async () => {
    grpcClient?.close();
    await probe?.stop();
    await service?.close();
  });

  describe('POST /v1/members', () => {
    it('registers a SILVER customer with 0 points and publishes MemberRegistered naming the member by id only', async () => {
      const email = uniqueEmail('Jane.Register');
      secrets.push(email, '+86 138 0000 0001');
      const response = await register({
        email,
        password: GOOD_PASSWORD,
        displayName: 'Jane',
        phone: '+86 138 0000 0001',
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email,
        displayName: 'Jane',
        phone: '+86 138 0000 0001',
        customerRef: null,
        tier: 'SILVER',
        points: 0,
        roles: ['customer'],
        registeredAt: expect.any(String),
      });
      const events = await probe.waitForEvents((all) => all.some((e) => e.aggregateId === response.body.id));
      const registered = events.find((e) => e.aggregateId === response.body.id)!;
      expect(registered).toMatchObject({
        type: 'MemberRegistered',
        source: 'members',
        aggregateType: 'Member',
        sequence: 1,
        data: { memberId: response.body.id, roles: ['customer'], tier: 'SILVER' },
      });
      expect(registered.correlationId).toBe(response.headers.get('x-correlation-id'));
    });

    it('answers 409 for an email that is taken, whatever its case', async () => {
      const email = uniqueEmail('dup');
      expect((await register({ email, password: GOOD_PASSWORD, displayName: 'First' })).status).toBe(201);
      const second = await register({
        email: email.toUpperCase(),
        password: GOOD_PASSWORD,
        displayName: 'Second',
      });
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({
        statusCode: 409,
        error: 'Conflict',
        message: 'email is already registered',
      });
    });

    it('gives exactly one 201 and only 409s when one email registers concurrently', async () => {
      const email = uniqueEmail('race');
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          register({ email, password: GOOD_PASSWORD, displayName: `Racer ${i}` }),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
      const dataSource = service.app.get(DataSource);
      const [{ accounts }] = await dataSource.query(
        `SELECT count(*)::int AS accounts FROM member_accounts WHERE lower(email) = $1`,
        [email],
      );
      const [{ streams }] = await dataSource.query(
        `SELECT count(*)::int AS streams FROM es_events e JOIN member_accounts a ON a.member_id = e.aggregate_id
          WHERE lower(a.email) = $1 AND e.type = 'MemberRegistered'`,
        [email],
      );
      expect({ accounts, streams }).toEqual({ accounts: 1, streams: 1 });
      // No orphan registration: every MemberRegistered has its account row.
      const [{ orphans }] = await dataSource.query(
        `SELECT count(*)::int AS orphans FROM es_events e LEFT JOIN member_accounts a ON a.member_id = e.aggregate_id
          WHERE e.type = 'MemberRegistered' AND a.member_id IS NULL`,
      );
      expect(orphans).toBe(0);
    });

    it('refuses a weak password with 400 naming the password field', async () => {
      for (const password of ['short1A', 'alllowercaseletters', '1111111111111']) {
        const response = await register({ email: uniqueEmail('weak'), password, displayName: 'Weak' });
        expect(response.status).toBe(400);
        expect(response.body.message).toMatch(/^password /);
        expect(response.body.code).toBe('WEAK_PASSWORD');
      }
      const sameAsEmail = uniqueEmail('samepass');
      const response = await register({ email: sameAsEmail, password: sameAsEmail, displayName: 'Same' });
      expect(response.status).toBe(400);
      expect(response.body.message).toContain('password must not be the email address');
    });

    it('refuses unknown fields, a bad email and a missing display name with 400 naming them', async () => {
      const unknown = await register({
        email: uniqueEmail('x'),
        password: GOOD_PASSWORD,
        displayName: 'X',
        roles: ['admin'],
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toEqual(expect.arrayContaining(['property roles should not exist']));
      const bad = await register({ email: 'not-an-email', password: GOOD_PASSWORD });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toEqual(
        expect.arrayContaining(['email must be an email address', expect.stringMatching(/^displayName/)]),
      );
    });
  });

  describe('GET and PATCH /v1/members/me', () => {
    it('returns my account with tier, points and roles, and needs a token', async () => {
      const me = await newCustomer('me', '+86 139 1111 2222');
      const response = await service.http('/v1/members/me', { token: me.token });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        id: me.id,
        email: me.email,
        displayName: 'me',
        tier: 'SILVER',
        points: 0,
        roles: ['customer'],
      });
      expect((await service.http('/v1/members/me')).status).toBe(401);
    });

    it('changes the profile, and the event names the changed fields but never their values', async () => {
      const me = await newCustomer('profile', '+86 139 3333 4444');
      secrets.push('+86 139 5555 6666');
      const response = await service.http('/v1/members/me', {
        method: 'PATCH',
        token: me.token,
        body: { displayName: 'Renamed', phone: '+86 139 5555 6666' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ displayName: 'Renamed', phone: '+86 139 5555 6666' });
      const events = await probe.waitForEvents((all) =>
        all.some((e) => e.aggregateId === me.id && e.type === 'MemberProfileChanged'),
      );
      expect(events.find((e) => e.aggregateId === me.id && e.type === 'MemberProfileChanged')!.data).toEqual({
        memberId: me.id,
        changedFields: ['displayName', 'phone'],
      });
      // Removing the phone, then a change that changes nothing: one more event, not two.
      expect(
        (await service.http('/v1/members/me', { method: 'PATCH', token: me.token, body: { phone: null } }))
          .body.phone,
      ).toBeNull();
      expect(
        (
          await service.http('/v1/members/me', {
            method: 'PATCH',
            token: me.token,
            body: { displayName: 'Renamed' },
          })
        ).status,
      ).toBe(200);
      const stream: { type: string; data: unknown }[] = await service.app
        .get(DataSource)
        .query(
          `SELECT type, data FROM es_events WHERE aggregate_type = 'Member' AND aggregate_id = $1 ORDER BY sequence`,
          [me.id],
        );
      expect(stream.map((e) => e.type)).toEqual([
        'MemberRegistered',
        'MemberProfileChanged',
        'MemberProfileChanged',
      ]);
      expect(stream[2].data).toEqual({ memberId: me.id, changedFields: ['phone'] });
      const invalid = await service.http('/v1/members/me', {
        method: 'PATCH',
        token: me.token,
        body: { email: 'new@example.com' },
      });
      expect(invalid.status).toBe(400);
      expect(
        (await service.http('/v1/members/me', { method: 'PATCH', token: me.token, body: {} })).status,
      ).toBe(400);
    });
  });

  describe('GET /v1/members/:id', () => {
    it('lets a customer read themself but answers 404 for another member, as for a missing one', async () => {
      const alice = await newCustomer('alice');
      const bob = await newCustomer('bob');
      expect((await service.http(`/v1/members/${alice.id}`, { token: alice.token })).status).toBe(200);
      const other = await service.http(`/v1/members/${bob.id}`, { token: alice.token });
      expect(other.status).toBe(404);
      const missing = await service.http('/v1/members/00000000-0000-7000-8000-000000000000', {
        token: alice.token,
      });
      expect(missing.status).toBe(404);
      expect(other.body.message).toBe(`member ${bob.id} not found`);
    });

    it('lets an operator read any member', async () => {
      const carol = await newCustomer('carol');
      const operator = await service.tokens.bearer('operator-1', 'operator');
      const response = await service.http(`/v1/members/${carol.id}`, { token: operator });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: carol.id, email: carol.email, roles: ['customer'] });
    });
  });

  describe('PUT /v1/members/:id/roles', () => {
    it('is for admins only', async () => {
      const dave = await newCustomer('dave');
      const asCustomer = await service.http(`/v1/members/${dave.id}/roles`, {
        method: 'PUT',
        token: dave.token,
        body: { roles: ['admin'] },
      });
      expect(asCustomer.status).toBe(403);
      const operator = await service.tokens.bearer('operator-2', 'operator');
      expect(
        (
          await service.http(`/v1/members/${dave.id}/roles`, {
            method: 'PUT',
            token: operator,
            body: { roles: ['operator'] },
          })
        ).status,
      ).toBe(403);
    });

    it('puts the new roles in the next token and revokes the tokens issued before', async () => {
      const erin = await newCustomer('erin');
      const oldToken = erin.token;
      const target = await newCustomer('target');
      expect((await service.http(`/v1/members/${target.id}`, { token: oldToken })).status).toBe(404);

      const admin = await service.tokens.bearer('admin-1', 'admin');
      const changed = await service.http(`/v1/members/${erin.id}/roles`, {
        method: 'PUT',
        token: admin,
        body: { roles: ['operator', 'customer'] },
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ id: erin.id, roles: ['customer', 'operator'] });

      // The old token (still saying customer) is revoked: the member logs in again for the new roles.
      const revoked = await service.http(`/v1/members/${target.id}`, { token: oldToken });
      expect({ status: revoked.status, message: revoked.body.message }).toEqual({
        status: 401,
        message: 'token revoked',
      });
      const next = await login(erin.email);
      expect(next.member.roles).toEqual(['customer', 'operator']);
      expect((await service.http(`/v1/members/${target.id}`, { token: next.accessToken })).status).toBe(200);
      expect((await service.http('/v1/members/me', { token: next.accessToken })).body.roles).toEqual([
        'customer',
        'operator',
      ]);

      const events = await probe.waitForEvents((all) =>
        all.some((e) => e.aggregateId === erin.id && e.type === 'MemberRolesChanged'),
      );
      expect(events.find((e) => e.aggregateId === erin.id && e.type === 'MemberRolesChanged')!.data).toEqual({
        memberId: erin.id,
        roles: ['customer', 'operator'],
        previousRoles: ['customer'],
      });
    });

    it('refuses unknown roles, an empty list and a missing member', async () => {
      const admin = await service.tokens.bearer('admin-2', 'admin');
      const frank = await newCustomer('frank');
      const unknown = await service.http(`/v1/members/${frank.id}/roles`, {
        method: 'PUT',
        token: admin,
        body: { roles: ['root'] },
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toEqual([expect.stringMatching(/^each value in roles must be one of/)]);
      expect(
        (
          await service.http(`/v1/members/${frank.id}/roles`, {
            method: 'PUT',
            token: admin,
            body: { roles: [] },
          })
        ).status,
      ).toBe(400);
      const missing = await service.http('/v1/members/00000000-0000-7000-8000-000000000001/roles', {
        method: 'PUT',
        token: admin,
        body: { roles: ['operator'] },
      });
      expect(missing.status).toBe(404);
    });
  });

  describe('gRPC members.v1.MembersService/GetMember', () => {
    it('returns the member to themself and to operators, without email or phone', async () => {
      const gina = await newCustomer('gina', '+86 137 7777 8888');
      const own = await getMember(gina.id, gina.token);
      expect(own.error).toBeNull();
      expect(own.member).toEqual({
        id: gina.id,
        displayName: 'gina',
        tier: 'SILVER',
        points: '0',
        roles: ['customer'],
      });
      const operator = (await service.tokens.bearer('operator-3', 'operator')).slice('Bearer '.length);
      expect((await getMember(gina.id, operator)).member).toMatchObject({ id: gina.id });
    });

    it('answers UNAUTHENTICATED without a token and NOT_FOUND for another member', async () => {
      const hank = await newCustomer('hank');
      const ivy = await newCustomer('ivy');
      expect((await getMember(hank.id)).error?.code).toBe(grpc.status.UNAUTHENTICATED);
      expect((await getMember(hank.id, ivy.token)).error?.code).toBe(grpc.status.NOT_FOUND);
    });
  });

  it('rebuilds member_summaries from the event log identical to the live table', async () => {
    const dataSource = service.app.get(DataSource);
    const live = await dataSource.query(`SELECT * FROM member_summaries ORDER BY member_id`);
    expect(live.length).toBeGreaterThan(5);
    const summaries = service.app.get(MemberProjections).summaries;
    expect(await service.app.get(EventSourcingRuntime).rebuildInlineProjection(summaries)).toBeGreaterThan(0);
    const rebuilt = await dataSource.query(`SELECT * FROM member_summaries ORDER BY member_id`);
    expect(rebuilt).toEqual(live);
  });

  it('never publishes an email, a phone number, a password or a password hash on members.events', async () => {
    const dataSource = service.app.get(DataSource);
    const hashes: string[] = (await dataSource.query(`SELECT password_hash FROM member_accounts`)).map(
      (r: { password_hash: string }) => r.password_hash,
    );
    const [{ events }] = await dataSource.query(`SELECT count(*)::int AS events FROM es_events`);
    await waitUntil(() => probe.messages.length >= events, { message: 'every stored event on the topic' });
    const registry = createEventSchemaRegistry();
    const raw = probe.messages.map((m) => m.value!.toString('utf8'));
    expect(new Set(probe.events().map((e) => e.id)).size).toBe(events);
    const forbidden = [...secrets, ...hashes, GOOD_PASSWORD];
    for (const value of raw) {
      registry.parse(value); // every message is a valid envelope of a published schema
      const lowered = value.toLowerCase();
      for (const secret of forbidden) expect(lowered).not.toContain(secret.toLowerCase());
      expect(value).not.toMatch(/@example\.com|\$scrypt\$/);
    }
    expect(new Set(probe.events().map((e) => e.type))).toEqual(
      new Set(['MemberRegistered', 'MemberProfileChanged', 'MemberRolesChanged']),
    );
  });
});
