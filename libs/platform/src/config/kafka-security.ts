import { readFileSync } from 'fs';
import type { KafkaSaslMechanism, KafkaSecurity } from '@ecom/messaging';
import { Transform } from 'class-transformer';
import { ValidateBy, ValidationArguments } from 'class-validator';

const SASL_MECHANISMS: Record<string, KafkaSaslMechanism> = {
  plain: 'plain',
  'scram-sha-256': 'scram-sha-256',
  'scram-sha-512': 'scram-sha-512',
};

/** An empty variable (a manifest's `value: ""`) counts as unset. */
const blankAsUnset = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

type Check = (value: string | undefined, env: KafkaSecurityEnvironment) => string | undefined;

/** One rule per variable, whose answer is the reason it is refused (never the value: it may be secret). */
function Rule(check: Check): PropertyDecorator {
  return ValidateBy({
    name: 'kafkaSecurity',
    validator: {
      validate: (value: string | undefined, args?: ValidationArguments) =>
        check(value, args!.object as KafkaSecurityEnvironment) === undefined,
      defaultMessage: (args?: ValidationArguments) =>
        check(args!.value as string | undefined, args!.object as KafkaSecurityEnvironment) ?? '',
    },
  });
}

const booleanOrUnset: Check = (value) =>
  value === undefined || value === 'true' || value === 'false' ? undefined : 'must be true or false';

/** Reads a PEM file named by a variable; the reason it cannot be used, or its text. */
function readPem(path: string, label: RegExp, kind: string): { text?: string; problem?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { problem: `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (!new RegExp(`-----BEGIN ${label.source}-----`).test(text)) {
    return { problem: `${path} holds no PEM ${kind}` };
  }
  return { text };
}

const CERTIFICATE = /CERTIFICATE/;
const PRIVATE_KEY = /(RSA |EC )?PRIVATE KEY/;

function tlsFile(label: RegExp, kind: string, pairedWith?: keyof KafkaSecurityEnvironment): Check {
  return (value, env) => {
    if (value === undefined) {
      return undefined;
    }
    if (env.KAFKA_TLS !== 'true') return 'is used only with KAFKA_TLS=true: set it, or unset this one';
    if (pairedWith && env[pairedWith] === undefined) return `needs ${pairedWith} too`;
    return readPem(value, label, kind).problem;
  };
}

/**
 * The variables of a Kafka connection to a managed cluster (SASL and TLS), validated together at
 * start-up by BaseEnvironment, and by readKafkaSecurity for the commands that run without a service.
 */
export class KafkaSecurityEnvironment {
  /** PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (any case); unset: no SASL. */
  @Transform(blankAsUnset)
  @Rule((value, env) => {
    if (value === undefined) {
      return env.KAFKA_SASL_USERNAME !== undefined || env.KAFKA_SASL_PASSWORD !== undefined
        ? 'is required with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)'
        : undefined;
    }
    return SASL_MECHANISMS[value.toLowerCase()] ? undefined : 'must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512';
  })
  KAFKA_SASL_MECHANISM?: string;

  @Transform(blankAsUnset)
  @Rule((value, env) =>
    value === undefined && env.KAFKA_SASL_MECHANISM !== undefined
      ? 'is required with KAFKA_SASL_MECHANISM'
      : undefined,
  )
  KAFKA_SASL_USERNAME?: string;

  @Transform(blankAsUnset)
  @Rule((value, env) =>
    value === undefined && env.KAFKA_SASL_MECHANISM !== undefined
      ? 'is required with KAFKA_SASL_MECHANISM'
      : undefined,
  )
  KAFKA_SASL_PASSWORD?: string;

  /** TLS to the brokers (managed Kafka); false by default (a local PLAINTEXT broker). */
  @Transform(blankAsUnset)
  @Rule(booleanOrUnset)
  KAFKA_TLS?: string;

  /** The authority of the brokers' certificates, when the system's are not enough. */
  @Transform(blankAsUnset)
  @Rule(tlsFile(CERTIFICATE, 'certificate'))
  KAFKA_TLS_CA_FILE?: string;

  /** A client certificate and key, for brokers that authenticate clients by TLS (mutual TLS). */
  @Transform(blankAsUnset)
  @Rule(tlsFile(CERTIFICATE, 'certificate', 'KAFKA_TLS_KEY_FILE'))
  KAFKA_TLS_CERT_FILE?: string;

  @Transform(blankAsUnset)
  @Rule(tlsFile(PRIVATE_KEY, 'unencrypted private key', 'KAFKA_TLS_CERT_FILE'))
  KAFKA_TLS_KEY_FILE?: string;

  /** true by default: a broker whose certificate does not verify is refused. */
  @Transform(blankAsUnset)
  @Rule(booleanOrUnset)
  KAFKA_TLS_REJECT_UNAUTHORIZED?: string;
}

/**
 * The SASL and TLS settings of every Kafka client, from variables KafkaSecurityEnvironment has
 * validated (`env` as validateEnvironment returns it, blanks removed).
 */
export function kafkaSecurityOf(env: KafkaSecurityEnvironment): KafkaSecurity {
  const security: KafkaSecurity = {};
  if (env.KAFKA_SASL_MECHANISM) {
    security.sasl = {
      mechanism: SASL_MECHANISMS[env.KAFKA_SASL_MECHANISM.toLowerCase()],
      username: env.KAFKA_SASL_USERNAME ?? '',
      password: env.KAFKA_SASL_PASSWORD ?? '',
    };
  }
  if (env.KAFKA_TLS === 'true') {
    const pem = (path: string | undefined, label: RegExp, kind: string) =>
      path === undefined ? undefined : readPem(path, label, kind).text;
    security.tls = {
      ca: pem(env.KAFKA_TLS_CA_FILE, CERTIFICATE, 'certificate'),
      cert: pem(env.KAFKA_TLS_CERT_FILE, CERTIFICATE, 'certificate'),
      key: pem(env.KAFKA_TLS_KEY_FILE, PRIVATE_KEY, 'private key'),
      rejectUnauthorized: env.KAFKA_TLS_REJECT_UNAUTHORIZED !== 'false',
    };
  }
  return security;
}
