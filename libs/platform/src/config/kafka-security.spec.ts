import { generateKeyPairSync } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { kafkaClientConfig } from '@ecom/messaging';
import { BaseEnvironment, validateEnvironment } from './environment';
import { kafkaConnectionOf, readKafkaSecurity, readPlatformSettings } from './platform-settings';

const PASSWORD = 'correct-horse-battery-staple';
// The checks read the files' PEM labels only; the TLS handshake itself is the broker's business.
const CERTIFICATE_PEM = '-----BEGIN CERTIFICATE-----\nMIIBdummy\n-----END CERTIFICATE-----\n';

describe('Kafka SASL/TLS settings', () => {
  let dir: string;
  let caFile: string;
  let certFile: string;
  let keyFile: string;
  let notPem: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
    caFile = join(dir, 'ca.pem');
    certFile = join(dir, 'client.pem');
    keyFile = join(dir, 'client.key');
    notPem = join(dir, 'notes.txt');
    writeFileSync(caFile, CERTIFICATE_PEM);
    writeFileSync(certFile, CERTIFICATE_PEM);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(notPem, 'not a certificate');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses neither SASL nor TLS by default (a local PLAINTEXT broker)', () => {
    expect(readKafkaSecurity({})).toEqual({});
    expect(readKafkaSecurity({ KAFKA_SASL_MECHANISM: '', KAFKA_TLS: '' })).toEqual({});
  });

  it.each([
    ['PLAIN', 'plain'],
    ['scram-sha-256', 'scram-sha-256'],
    ['SCRAM-SHA-512', 'scram-sha-512'],
  ])('reads SASL %s with its username and password', (mechanism, expected) => {
    const security = readKafkaSecurity({
      KAFKA_SASL_MECHANISM: mechanism,
      KAFKA_SASL_USERNAME: 'ecom',
      KAFKA_SASL_PASSWORD: PASSWORD,
    });
    expect(security).toEqual({ sasl: { mechanism: expected, username: 'ecom', password: PASSWORD } });
  });

  it('reads TLS with the system authorities and verification on by default', () => {
    expect(readKafkaSecurity({ KAFKA_TLS: 'true' })).toEqual({
      tls: { ca: undefined, cert: undefined, key: undefined, rejectUnauthorized: true },
    });
    expect(readKafkaSecurity({ KAFKA_TLS: 'false' })).toEqual({});
  });

  it('reads the CA, the client certificate and key as PEM text, and passes them to kafkajs with SASL', () => {
    const settings = readPlatformSettings(
      { name: 'catalog', database: 'ecom_catalog', envPrefix: 'CATALOG', httpPort: 3001 },
      {
        KAFKA_BROKERS: 'b1.example.net:9093,b2.example.net:9093',
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'ecom',
        KAFKA_SASL_PASSWORD: PASSWORD,
        KAFKA_TLS: 'true',
        KAFKA_TLS_CA_FILE: caFile,
        KAFKA_TLS_CERT_FILE: certFile,
        KAFKA_TLS_KEY_FILE: keyFile,
        KAFKA_TLS_REJECT_UNAUTHORIZED: 'false',
      },
    );
    const config = kafkaClientConfig(kafkaConnectionOf(settings, 'catalog'));
    expect(config.brokers).toEqual(['b1.example.net:9093', 'b2.example.net:9093']);
    expect(config.clientId).toBe('catalog');
    expect(config.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'ecom', password: PASSWORD });
    expect(config.ssl).toEqual({
      rejectUnauthorized: false,
      ca: [CERTIFICATE_PEM],
      cert: CERTIFICATE_PEM,
      key: expect.stringContaining('-----BEGIN PRIVATE KEY-----'),
    });
    expect(typeof config.logCreator).toBe('function');
  });

  it.each([
    [
      { KAFKA_SASL_MECHANISM: 'GSSAPI' },
      'KAFKA_SASL_MECHANISM: must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512',
    ],
    [{ KAFKA_SASL_MECHANISM: 'PLAIN' }, 'KAFKA_SASL_USERNAME: is required with KAFKA_SASL_MECHANISM'],
    [
      { KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'ecom' },
      'KAFKA_SASL_PASSWORD: is required with KAFKA_SASL_MECHANISM',
    ],
    [
      { KAFKA_SASL_USERNAME: 'ecom', KAFKA_SASL_PASSWORD: PASSWORD },
      'KAFKA_SASL_MECHANISM: is required with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
    ],
    [{ KAFKA_TLS: 'yes' }, 'KAFKA_TLS: must be true or false'],
    [
      { KAFKA_TLS: 'true', KAFKA_TLS_REJECT_UNAUTHORIZED: '0' },
      'KAFKA_TLS_REJECT_UNAUTHORIZED: must be true or false',
    ],
    [{ KAFKA_TLS_CA_FILE: '/etc/ca.pem' }, 'KAFKA_TLS_CA_FILE: is used only with KAFKA_TLS=true'],
    [
      { KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '/nonexistent/ca.pem' },
      'KAFKA_TLS_CA_FILE: cannot read /nonexistent/ca.pem (ENOENT)',
    ],
    [
      { KAFKA_TLS: 'true', KAFKA_TLS_CERT_FILE: '/etc/client.pem' },
      'KAFKA_TLS_CERT_FILE: needs KAFKA_TLS_KEY_FILE too',
    ],
  ])('refuses %j naming the variable and the reason', (env, message) => {
    expect(() => readKafkaSecurity(env)).toThrow(message);
  });

  it('refuses a CA file that holds no certificate, and a key file that holds no private key', () => {
    expect(() => readKafkaSecurity({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: notPem })).toThrow(
      `KAFKA_TLS_CA_FILE: ${notPem} holds no PEM certificate`,
    );
    expect(() =>
      readKafkaSecurity({ KAFKA_TLS: 'true', KAFKA_TLS_CERT_FILE: certFile, KAFKA_TLS_KEY_FILE: caFile }),
    ).toThrow(`KAFKA_TLS_KEY_FILE: ${caFile} holds no PEM unencrypted private key`);
  });

  it('refuses a CA path it cannot read as a file', () => {
    expect(() => readKafkaSecurity({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: dir })).toThrow(
      `KAFKA_TLS_CA_FILE: cannot read ${dir} (EISDIR)`,
    );
  });

  it('stops a service at start-up (its environment validation) with every Kafka problem and never the password', () => {
    const start = () =>
      validateEnvironment(BaseEnvironment)({
        KAFKA_SASL_MECHANISM: 'OAUTHBEARER',
        KAFKA_SASL_USERNAME: 'ecom',
        KAFKA_SASL_PASSWORD: PASSWORD,
        KAFKA_TLS_CA_FILE: caFile,
      });
    expect(start).toThrow('Invalid configuration');
    let message = '';
    try {
      start();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('KAFKA_SASL_MECHANISM: must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512');
    expect(message).toContain('KAFKA_TLS_CA_FILE: is used only with KAFKA_TLS=true');
    expect(message).not.toContain(PASSWORD);
  });

  it('lets a service start with valid Kafka settings', () => {
    const validated = validateEnvironment(BaseEnvironment)({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'ecom',
      KAFKA_SASL_PASSWORD: PASSWORD,
      KAFKA_TLS: 'true',
      KAFKA_TLS_CA_FILE: caFile,
    });
    expect(validated).toMatchObject({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_TLS: 'true' });
  });
});
