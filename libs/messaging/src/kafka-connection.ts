import { KafkaConfig, SASLOptions } from 'kafkajs';
import { kafkaLogCreator, KafkaLogSink } from './kafka-log';

export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** How the clients authenticate and encrypt (managed Kafka); none of it for a local PLAINTEXT broker. */
export interface KafkaSecurity {
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
  /** TLS to the brokers; without `ca` the system's certificate authorities are trusted. */
  tls?: {
    /** PEM certificate(s) of the authority that signed the brokers' certificates. */
    ca?: string;
    /** PEM client certificate and its unencrypted key, for brokers that authenticate clients by TLS. */
    cert?: string;
    key?: string;
    rejectUnauthorized: boolean;
  };
}

/** Where a kafkajs client connects and how; every client of the platform is built from one. */
export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
  security?: KafkaSecurity;
  /** Where kafkajs' log lines go; by default the Nest logger (pino in a service). */
  logSink?: KafkaLogSink;
}

function saslOptions(sasl: NonNullable<KafkaSecurity['sasl']>): SASLOptions {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

/**
 * The kafkajs configuration of a client: the connection's brokers, SASL and TLS, its logs through the
 * app's logger, and the client's own timeouts and retries.
 */
export function kafkaClientConfig(
  connection: KafkaConnectionOptions,
  tuning: Omit<KafkaConfig, 'brokers' | 'clientId' | 'ssl' | 'sasl' | 'logCreator'> = {},
): KafkaConfig {
  const { sasl, tls } = connection.security ?? {};
  return {
    ...tuning,
    clientId: connection.clientId,
    brokers: connection.brokers,
    ssl: tls
      ? {
          rejectUnauthorized: tls.rejectUnauthorized,
          ...(tls.ca ? { ca: [tls.ca] } : {}),
          ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
        }
      : undefined,
    sasl: sasl ? saslOptions(sasl) : undefined,
    logCreator: kafkaLogCreator(connection.logSink),
  };
}
