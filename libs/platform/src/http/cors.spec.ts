import { DEFAULT_CORS_ORIGINS, readCorsOrigins } from './cors';

describe('CORS_ORIGINS', () => {
  it('defaults to the local dashboard origin', () => {
    expect(readCorsOrigins({})).toEqual(DEFAULT_CORS_ORIGINS);
    expect(DEFAULT_CORS_ORIGINS).toContain('http://127.0.0.1:3005');
  });

  it('takes exact origins separated by commas or spaces; set but empty turns CORS off', () => {
    expect(readCorsOrigins({ CORS_ORIGINS: 'https://ops.example.com, http://10.0.0.5:3005' })).toEqual([
      'https://ops.example.com',
      'http://10.0.0.5:3005',
    ]);
    expect(readCorsOrigins({ CORS_ORIGINS: '' })).toEqual([]);
  });

  it.each(['*', 'https://ops.example.com/', 'https://ops.example.com/dashboard', 'ftp://x.example', 'ops'])(
    'refuses %s: not an origin',
    (entry) => {
      expect(() => readCorsOrigins({ CORS_ORIGINS: entry })).toThrow(/CORS_ORIGINS: not an origin/);
    },
  );
});
