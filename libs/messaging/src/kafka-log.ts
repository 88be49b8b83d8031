import { Logger } from '@nestjs/common';
import { logCreator, logLevel } from 'kafkajs';

/** The Nest logger methods kafkajs' levels map to (pino's error, warn, info and debug in a service). */
export type KafkaLogMethod = 'error' | 'warn' | 'log' | 'debug';

/** One kafkajs log line as the app's logger receives it: the message and kafkajs' own fields. */
export interface KafkaLogRecord {
  msg: string;
  [field: string]: unknown;
}

/** Where kafkajs' log lines go: the method, the context (`kafkajs.<namespace>`) and the record. */
export type KafkaLogSink = (method: KafkaLogMethod, context: string, record: KafkaLogRecord) => void;

export function kafkaLogMethod(level: logLevel): KafkaLogMethod | undefined {
  switch (level) {
    case logLevel.ERROR:
      return 'error';
    case logLevel.WARN:
      return 'warn';
    case logLevel.INFO:
      return 'log';
    case logLevel.DEBUG:
      return 'debug';
    default:
      return undefined;
  }
}

const loggers = new Map<string, Logger>();

/**
 * Writes through Nest's Logger, which a service has pointed at pino (startService's useLogger): the
 * lines get the service's JSON shape and level filter instead of kafkajs' own JSON on stdout.
 */
export const nestKafkaLogSink: KafkaLogSink = (method, context, record) => {
  let logger = loggers.get(context);
  if (!logger) {
    logger = new Logger(context);
    loggers.set(context, logger);
  }
  logger[method](record);
};

/** Field names whose values never reach a log line, whatever kafkajs (or a future version) puts there. */
const SECRET_FIELD = /pass(word)?|secret|token|credential|sasl|^key$/i;

function redacted(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 3) return value;
  if (Array.isArray(value)) return value.map((item) => redacted(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([name, field]) => [
      name,
      SECRET_FIELD.test(name) ? '[redacted]' : redacted(field, depth + 1),
    ]),
  );
}

/**
 * kafkajs' logCreator for every client the platform builds: its level mapped to the logger's, its
 * namespace (Connection, Consumer, BrokerPool...) as the context, its fields kept except kafkajs'
 * own timestamp and logger name (the app's logger adds its own) and anything secret-looking.
 */
export function kafkaLogCreator(sink: KafkaLogSink = nestKafkaLogSink): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const method = kafkaLogMethod(level);
      if (!method) return;
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      const { message, timestamp, logger, ...fields } = log;
      sink(method, `kafkajs.${namespace || 'client'}`, {
        msg: message,
        ...(redacted(fields) as Record<string, unknown>),
      });
    };
}
