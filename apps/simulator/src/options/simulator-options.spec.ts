import { OptionsError, parseOptions } from './simulator-options';

describe('simulator options', () => {
  it('defaults to the standard local ports, seed 7 and the dev admin', () => {
    const options = parseOptions([], {})!;
    expect(options).toMatchObject({
      shoppers: 200,
      historyDays: 180,
      seed: 7,
      prefix: 'sim7',
      concurrency: 6,
      timeZone: 'Asia/Shanghai',
      operator: { email: 'admin@example.com', password: 'Admin-Passw0rd!' },
    });
    expect(options.urls).toEqual({
      catalog: 'http://127.0.0.1:3001',
      orders: 'http://127.0.0.1:3002',
      ordersGrpc: '127.0.0.1:50052',
      inventory: 'http://127.0.0.1:3003',
      members: 'http://127.0.0.1:3004',
      analytics: 'http://127.0.0.1:3005',
      projector: 'http://127.0.0.1:3006',
    });
  });

  it('reads both option forms, the environment and URLs without a trailing slash', () => {
    const options = parseOptions(
      [
        '--shoppers',
        '2000',
        '--history-days=90',
        '--seed',
        '11',
        '--orders-url',
        'http://10.0.0.5:8080/',
        '--out',
        'r.json',
      ],
      { ANALYTICS_TZ: 'Europe/Berlin', ADMIN_EMAIL: 'ops@example.com', ADMIN_PASSWORD: 'Ops-Passw0rd!' },
    )!;
    expect(options).toMatchObject({
      shoppers: 2000,
      historyDays: 90,
      seed: 11,
      prefix: 'sim11',
      out: 'r.json',
    });
    expect(options.timeZone).toBe('Europe/Berlin');
    expect(options.urls.orders).toBe('http://10.0.0.5:8080');
    expect(options.operator).toEqual({ email: 'ops@example.com', password: 'Ops-Passw0rd!' });
  });

  it('answers null for --help', () => {
    expect(parseOptions(['--shoppers', '50', '--help'])).toBeNull();
  });

  it.each([
    [['--shoppers', '5'], /--shoppers must be a whole number from 10 to 100000, got "5"/],
    [['--history-days', '400'], /--history-days must be a whole number from 0 to 365/],
    [['--seed', '1.5'], /--seed must be a whole number/],
    [['--prefix', 'Bad_Prefix'], /--prefix must be 1 to 12 lower-case letters/],
    [['--tz', 'Mars/Base'], /--tz must be an IANA time zone/],
    [['--orders-grpc', 'http://x:1'], /--orders-grpc must be host:port/],
    [['--catalog-url', 'ftp://x'], /--catalog-url must be an http\(s\) URL/],
    [['--shopers', '10'], /unknown option --shopers/],
    [['--seed'], /--seed needs a value/],
    [['--seed', '1', '--seed', '2'], /--seed is given twice/],
    [['shoppers'], /unexpected argument "shoppers"/],
  ])('refuses %j, naming the option', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(OptionsError);
    expect(() => parseOptions(argv)).toThrow(message);
  });
});
