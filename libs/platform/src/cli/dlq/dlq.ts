/**
 * `npm run dlq -- <command>`: the poison messages consumers sent to `<topic>.dlq`.
 *
 *   list [--topic T]                 every DLQ (or T's): offset, when, consumer, event, error, redriven
 *   show <topic> <offset>            one message in full: error, original position, headers, payload
 *   redrive <topic> <offset...>      sends those messages back to their original topic (same key, bytes
 *   redrive <topic> --all            and headers) and records each redrive on the DLQ; a message
 *                                    redriven before is refused (the whole command) unless --force;
 *                                    --all takes what was not redriven yet; --dry-run shows the plan
 *
 * <topic> is the event topic or its DLQ (orders.events or orders.events.dlq); <offset> is the DLQ
 * message's offset as `list` prints it. Consumers are idempotent on the event id, so a redriven event
 * is applied once by the consumer that refused it and skipped by those that had applied it.
 *
 * Kafka: KAFKA_BROKERS, KAFKA_TOPIC_PREFIX and the KAFKA_SASL_* / KAFKA_TLS* settings, as the services
 * read them (--brokers and --prefix override the first two). --json prints what was read or done as
 * JSON; --by names who redrives (default: the user). Progress goes to stderr. Exit codes: 0 done,
 * 1 failed (Kafka unreachable, unknown topic), 2 usage, 3 redrive refused (nothing sent).
 * From a built image: node dist/libs/platform/src/cli/dlq/dlq.js <command>.
 */
import { ALL_TOPICS } from '@ecom/contracts';
import { KafkaMessageBus, KafkaConnectionOptions, KafkaTopicAdmin } from '@ecom/messaging';
import { userInfo } from 'os';
import { parseArgs } from 'util';
import { readKafkaSecurity } from '../../config/platform-settings';
import { progressWriter } from '../progress-bar';
import {
  DlqEntry,
  dlqTopicNamed,
  parseEntryId,
  planRedrive,
  readDlq,
  RedriveRefused,
  RedriveSelection,
} from './dlq-entries';
import { entryView, renderEntry, renderList, renderRedrive } from './dlq-report';
import { readTopicsToEnd } from './topic-reader';

const USAGE = `usage: npm run dlq -- list [--topic T] [--json]
       npm run dlq -- show <topic> <offset> [--json]
       npm run dlq -- redrive <topic> <offset...> | --all  [--force] [--dry-run] [--by NAME] [--json]
options: --brokers host:port,...  --prefix P  (default: KAFKA_BROKERS, KAFKA_TOPIC_PREFIX)
`;

/** A mistake in the command line: the usage is printed with it. */
class UsageError extends Error {}

interface Dlqs {
  read(dlqTopics: string[]): Promise<Map<string, DlqEntry[]>>;
  publish: KafkaMessageBus['publish'];
  close(): Promise<void>;
}

function connect(values: { brokers?: string; prefix?: string }): Dlqs {
  const env = process.env;
  const connection: KafkaConnectionOptions = {
    brokers: (values.brokers ?? env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'dlq-cli',
    security: readKafkaSecurity(env),
    // Kafka's own errors (a broker away, a refused login) on stderr; the command reports its failure.
    logSink: (method, context, record) => {
      if (method === 'error') process.stderr.write(`dlq: ${context}: ${record.msg}\n`);
    },
  };
  const topicPrefix = values.prefix ?? env.KAFKA_TOPIC_PREFIX ?? '';
  const bus = new KafkaMessageBus({ ...connection, topicPrefix });
  const admin = new KafkaTopicAdmin({ ...connection, clientId: 'dlq-cli-admin', topicPrefix });
  const progress = progressWriter({ label: 'reading', unit: 'messages', rate: 'msg/s' }, process.stderr);
  return {
    async read(dlqTopics) {
      const started = Date.now();
      const messages = await readTopicsToEnd(bus, admin, dlqTopics, {
        onProgress: ({ read, total }) => progress({ done: read, total, elapsedMs: Date.now() - started }),
      });
      if (process.stderr.isTTY && [...messages.values()].some((m) => m.length > 0))
        process.stderr.write('\n');
      return new Map(dlqTopics.map((topic) => [topic, readDlq(topic, messages.get(topic) ?? [])]));
    },
    publish: (messages) => bus.publish(messages),
    close: () => bus.close(),
  };
}

function dlqTopicArgument(name: string | undefined): string {
  if (!name) throw new UsageError('name the topic (e.g. orders.events)');
  const dlqTopic = dlqTopicNamed(name, ALL_TOPICS);
  if (!dlqTopic) throw new UsageError(`unknown topic ${name}; the topics are ${ALL_TOPICS.join(', ')}`);
  return dlqTopic;
}

function offsetArgument(text: string): string {
  if (!parseEntryId(text))
    throw new UsageError(`${text} is not an offset (e.g. 12, or 1:12 for partition 1)`);
  return text;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      topic: { type: 'string' },
      all: { type: 'boolean' },
      force: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      by: { type: 'string' },
      json: { type: 'boolean' },
      brokers: { type: 'string' },
      prefix: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  const print = (json: unknown, text: string) =>
    process.stdout.write(values.json ? `${JSON.stringify(json)}\n` : text);

  switch (command) {
    case 'list': {
      if (rest.length > 0)
        throw new UsageError(`list takes no arguments (got ${rest.join(' ')}); use --topic`);
      const dlqTopics = values.topic ? [dlqTopicArgument(values.topic)] : ALL_TOPICS.map((t) => `${t}.dlq`);
      const dlqs = connect(values);
      try {
        const read = await dlqs.read(dlqTopics);
        const listed = dlqTopics.map((dlqTopic) => ({ dlqTopic, entries: read.get(dlqTopic) ?? [] }));
        print(
          listed.map(({ dlqTopic, entries }) => ({ dlqTopic, entries: entries.map(entryView) })),
          renderList(listed),
        );
        return 0;
      } finally {
        await dlqs.close();
      }
    }
    case 'show': {
      if (rest.length !== 2) throw new UsageError('show takes a topic and an offset');
      const dlqTopic = dlqTopicArgument(rest[0]);
      const position = parseEntryId(offsetArgument(rest[1]))!;
      const dlqs = connect(values);
      try {
        const entries = (await dlqs.read([dlqTopic])).get(dlqTopic) ?? [];
        const entry = entries.find((e) => e.partition === position.partition && e.offset === position.offset);
        if (!entry) {
          process.stderr.write(`dlq: no dead-lettered message at offset ${rest[1]} of ${dlqTopic}\n`);
          return 1;
        }
        print(entryView(entry), renderEntry(entry));
        return 0;
      } finally {
        await dlqs.close();
      }
    }
    case 'redrive': {
      const dlqTopic = dlqTopicArgument(rest[0]);
      const offsets = rest.slice(1).map(offsetArgument);
      if (values.all === offsets.length > 0)
        throw new UsageError('redrive takes offsets or --all (not both)');
      const selection: RedriveSelection = values.all ? { all: true } : { ids: offsets };
      const dlqs = connect(values);
      try {
        const entries = (await dlqs.read([dlqTopic])).get(dlqTopic) ?? [];
        const plan = planRedrive(dlqTopic, entries, selection, {
          force: values.force ?? false,
          at: new Date().toISOString(),
          by: values.by ?? process.env.USER ?? userInfo().username,
        });
        const dryRun = values['dry-run'] ?? false;
        // The originals and their markers in one request: both are sent, or the command fails.
        if (!dryRun && plan.messages.length > 0) await dlqs.publish(plan.messages);
        print(
          {
            dlqTopic,
            dryRun,
            redriven: plan.redrive.map((e) => e.id),
            sent: plan.messages.filter((m) => m.topic !== dlqTopic).length,
            alreadyRedriven: plan.alreadyRedriven.map((e) => e.id),
          },
          renderRedrive(plan, dryRun),
        );
        return 0;
      } catch (error) {
        if (!(error instanceof RedriveRefused)) throw error;
        process.stderr.write(
          `dlq: redrive refused, nothing sent:\n${error.reasons.map((r) => `  ${r}\n`).join('')}`,
        );
        return 3;
      } finally {
        await dlqs.close();
      }
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        process.stderr.write(`dlq: ${(error as Error).message}\n${USAGE}`);
        process.exit(2);
      }
      process.stderr.write(`dlq failed: ${(error as Error).message ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
