import { Writable } from 'stream';
import { Logger } from '@nestjs/common';
import { Kafka, LogEntry, logLevel } from 'kafkajs';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import { kafkaClientConfig } from './kafka-connection';
import {
  kafkaLogCreator,
  kafkaLogMethod,
  KafkaLogMethod,
  KafkaLogRecord,
  nestKafkaLogSink,
} from './kafka-log';

type Written = { method: KafkaLogMethod; context: string; record: KafkaLogRecord };

function recordingSink(): {
  lines: Written[];
  sink: (m: KafkaLogMethod, c: string, r: KafkaLogRecord) => void;
} {
  const lines: Written[] = [];
  return { lines, sink: (method, context, record) => lines.push({ method, context, record }) };
}

function entry(level: logLevel, namespace: string, log: Record<string, unknown>): LogEntry {
  return {
    namespace,
    level,
    label: logLevel[level],
    log: { timestamp: '2026-05-01T00:00:00.000Z', logger: 'kafkajs', message: 'm', ...log },
  } as LogEntry;
}

describe('kafkajs logs through the app logger', () => {
  it.each([
    [logLevel.ERROR, 'error'],
    [logLevel.WARN, 'warn'],
    [logLevel.INFO, 'log'],
    [logLevel.DEBUG, 'debug'],
    [logLevel.NOTHING, undefined],
  ])('maps kafkajs level %s to the logger method %s', (level, method) => {
    expect(kafkaLogMethod(level)).toBe(method);
  });

  it('writes the message and kafkajs fields under the namespace as context, without its timestamp or secrets', () => {
    const { lines, sink } = recordingSink();
    const log = kafkaLogCreator(sink)(logLevel.INFO);
    log(
      entry(logLevel.WARN, 'Connection', {
        message: 'Response Metadata',
        broker: 'b1:9093',
        retryCount: 2,
        sasl: { mechanism: 'plain', username: 'ecom', password: 'hunter2' },
        nested: { authentication: { password: 'hunter2' } },
      }),
    );
    log(entry(logLevel.NOTHING, 'Connection', {}));
    expect(lines).toEqual([
      {
        method: 'warn',
        context: 'kafkajs.Connection',
        record: {
          msg: 'Response Metadata',
          broker: 'b1:9093',
          retryCount: 2,
          sasl: '[redacted]',
          nested: { authentication: { password: '[redacted]' } },
        },
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('receives what a real kafkajs client logs (a broker that refuses the connection)', async () => {
    const { lines, sink } = recordingSink();
    // A port nothing listens on: kafkajs logs the refused connection at error level.
    const kafka = new Kafka(
      kafkaClientConfig(
        { brokers: ['127.0.0.1:1'], clientId: 'log-test', logSink: sink },
        { logLevel: logLevel.ERROR, connectionTimeout: 500, retry: { retries: 0 } },
      ),
    );
    const producer = kafka.producer();
    await expect(producer.connect()).rejects.toThrow();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.method === 'error' && line.context.startsWith('kafkajs.'))).toBe(true);
    expect(lines.map((line) => line.record.msg).join('\n')).toMatch(/Connection error|ECONNREFUSED/);
  });

  it('reaches pino as one JSON line with the pino level, the context and the fields', () => {
    const output: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output.push(chunk.toString());
        done();
      },
    });
    // What startService does: Nest's Logger forwards to nestjs-pino's Logger (app.useLogger).
    const pino = new PinoLogger({ pinoHttp: [{ level: 'debug', base: undefined }, stream] });
    Logger.overrideLogger(new PinoNestLogger(pino, {}));
    try {
      nestKafkaLogSink('error', 'kafkajs.Consumer', {
        msg: 'Crash: KafkaJSNumberOfRetriesExceeded',
        groupId: 'g',
      });
      nestKafkaLogSink('log', 'kafkajs.Consumer', { msg: 'Consumer has joined the group', groupId: 'g' });
    } finally {
      Logger.overrideLogger(true);
    }
    const lines = output
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        context: 'kafkajs.Consumer',
        msg: 'Crash: KafkaJSNumberOfRetriesExceeded',
        groupId: 'g',
      }),
      expect.objectContaining({
        level: 30,
        context: 'kafkajs.Consumer',
        msg: 'Consumer has joined the group',
      }),
    ]);
  });
});
