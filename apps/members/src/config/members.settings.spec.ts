import { readMembersSettings } from './members.settings';

describe('members settings', () => {
  it('defaults to docs/contract.md: GOLD at 5,000.00, BLACK at 50,000.00, 15-minute tokens, login delays after 5 failures per address, 20 per IP per 15 minutes, 10 registrations per address an hour', () => {
    expect(readMembersSettings({})).toMatchObject({
      admin: null,
      accessTokenTtlSeconds: 900,
      tierThresholds: { gold: 500_000, black: 5_000_000 },
      login: {
        freeFailuresPerAddress: 5,
        delayBaseSeconds: 1,
        maxFailuresPerIp: 20,
        maxFailuresPerAccount: 50,
        knownAddressDays: 30,
        windowSeconds: 900,
      },
      registration: { maxPerAddress: 10, windowSeconds: 3600 },
      scrypt: { logN: 15, r: 8, p: 1 },
    });
  });

  it('reads the tier thresholds in minor units from the environment', () => {
    expect(
      readMembersSettings({ MEMBER_TIER_GOLD_MIN: '100000', MEMBER_TIER_BLACK_MIN: '900000' }).tierThresholds,
    ).toEqual({
      gold: 100_000,
      black: 900_000,
    });
  });

  it('refuses inconsistent or malformed values, naming the variable', () => {
    expect(() => readMembersSettings({ MEMBER_TIER_GOLD_MIN: '500', MEMBER_TIER_BLACK_MIN: '500' })).toThrow(
      /MEMBER_TIER_BLACK_MIN/,
    );
    expect(() => readMembersSettings({ MEMBER_TIER_GOLD_MIN: 'lots' })).toThrow(/MEMBER_TIER_GOLD_MIN/);
    expect(() => readMembersSettings({ ADMIN_EMAIL: 'root@example.com' })).toThrow(
      /ADMIN_EMAIL and ADMIN_PASSWORD/,
    );
    expect(() => readMembersSettings({ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'x' })).toThrow(
      /ADMIN_EMAIL/,
    );
    expect(() => readMembersSettings({ PASSWORD_SCRYPT_LOG_N: '8' })).toThrow(/PASSWORD_SCRYPT_LOG_N/);
  });
});
