import { dashboardContentSecurityPolicy, membersUrlFor, readMembersPublicUrl } from './dashboard-page';

describe('dashboard page policy', () => {
  it('reads MEMBERS_PUBLIC_URL as a base URL without a trailing slash', () => {
    expect(readMembersPublicUrl({})).toBeUndefined();
    expect(readMembersPublicUrl({ MEMBERS_PUBLIC_URL: 'http://10.0.0.4:3004/' })).toBe(
      'http://10.0.0.4:3004',
    );
    expect(readMembersPublicUrl({ MEMBERS_PUBLIC_URL: 'https://ops.example.com/members/' })).toBe(
      'https://ops.example.com/members',
    );
  });

  it.each(['members:3004', 'ftp://x.example', 'http://x.example/?a=1', 'http://u:p@x.example'])(
    'refuses MEMBERS_PUBLIC_URL=%s',
    (value) => {
      expect(() => readMembersPublicUrl({ MEMBERS_PUBLIC_URL: value })).toThrow(/MEMBERS_PUBLIC_URL/);
    },
  );

  it('defaults to the members port on the host the browser used, never to an injected host', () => {
    expect(membersUrlFor(undefined, { protocol: 'http', hostname: 'ops.local' })).toBe(
      'http://ops.local:3004',
    );
    expect(membersUrlFor(undefined, { protocol: 'https', hostname: '[::1]' })).toBe('https://[::1]:3004');
    expect(membersUrlFor(undefined, { protocol: 'http', hostname: "x; script-src 'unsafe-inline'" })).toBe(
      'http://127.0.0.1:3004',
    );
    expect(membersUrlFor('https://id.example.com', { protocol: 'http', hostname: 'ops.local' })).toBe(
      'https://id.example.com',
    );
  });

  it('lets the page run its own scripts and styles only and talk to itself and members', () => {
    const policy = dashboardContentSecurityPolicy('https://id.example.com/members');
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("connect-src 'self' https://id.example.com;");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe');
  });
});
