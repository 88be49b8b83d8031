import type { IncomingMessage, OutgoingMessage } from '@ecom/messaging';

/**
 * What the DLQ command reads and writes, without I/O. A consumer dead-letters a message to
 * `<topic>.dlq` with its original key, bytes and headers plus `dlq-*` headers saying why (see
 * IdempotentEventConsumer.deadLetter). A redrive sends the original back to its topic and appends a
 * marker to the DLQ (a message with the `dlq-redrive-of` header): the DLQ itself records what was
 * redriven, for every operator and every later run.
 */

/** Headers the consumer adds to a dead-lettered message. */
export const DLQ_HEADERS = {
  error: 'dlq-error',
  errorType: 'dlq-error-type',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  consumer: 'dlq-consumer',
  failedAt: 'dlq-failed-at',
} as const;

/** On a marker: the DLQ message (`<partition>:<offset>`) it records the redrive of. */
export const REDRIVE_OF_HEADER = 'dlq-redrive-of';
/** On a redriven message: where it came from (`<dlq topic>:<partition>:<offset>`), kept if it fails again. */
export const REDRIVEN_FROM_HEADER = 'dlq-redriven-from';

/** Where a message was on its topic. */
export interface MessagePosition {
  topic: string;
  partition: number | null;
  offset: string | null;
}

/** A recorded redrive (a marker on the DLQ). */
export interface RedriveRecord {
  /** The DLQ message redriven. */
  of: { partition: number; offset: string };
  /** Its original position: copies of the same message dead-lettered by other consumers share it. */
  original: MessagePosition;
  at: string;
  by: string;
  forced: boolean;
  /** The marker's own offset on the DLQ. */
  markerOffset: string;
}

/** One dead-lettered message, with the redrives that cover it. */
export interface DlqEntry {
  dlqTopic: string;
  /** How commands name it: its offset (partition 0, as every DLQ has one), else `<partition>:<offset>`. */
  id: string;
  partition: number;
  offset: string;
  key: string | null;
  error: { type: string; message: string };
  consumer: string | null;
  failedAt: string | null;
  original: MessagePosition;
  /** What the payload says about itself, when it is an event envelope. */
  event: { id: string | null; type: string | null; aggregateId: string | null } | null;
  /** The original bytes as text (UTF-8), for people. */
  payload: string;
  /** The original bytes, which a redrive sends back as they are. */
  bytes: Buffer;
  /** The original headers (the `dlq-*` ones left out). */
  headers: Record<string, string>;
  /** Set when this message was redriven before (directly, or as another consumer's copy of it). */
  redriven: RedriveRecord | null;
}

export function entryId(partition: number, offset: string): string {
  return partition === 0 ? offset : `${partition}:${offset}`;
}

/** `12` (partition 0) or `1:12`; undefined when it is neither. */
export function parseEntryId(text: string): { partition: number; offset: string } | undefined {
  const match = /^(?:(\d+):)?(\d+)$/.exec(text.trim());
  if (!match) return undefined;
  return { partition: Number(match[1] ?? 0), offset: String(BigInt(match[2])) };
}

/** The DLQ of a topic given either way (`orders.events` or `orders.events.dlq`); undefined if not a known topic. */
export function dlqTopicNamed(name: string, topics: readonly string[]): string | undefined {
  const topic = name.endsWith('.dlq') ? name.slice(0, -'.dlq'.length) : name;
  return topics.includes(topic) ? `${topic}.dlq` : undefined;
}

function samePosition(a: MessagePosition, b: MessagePosition): boolean {
  return a.offset !== null && a.topic === b.topic && a.partition === b.partition && a.offset === b.offset;
}

function integerOrNull(text: string | undefined): number | null {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : null;
}

function eventOf(payload: string): DlqEntry['event'] {
  try {
    const parsed = JSON.parse(payload) as Record<string, unknown>;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    return { id: text(parsed.id), type: text(parsed.type), aggregateId: text(parsed.aggregateId) };
  } catch {
    return null;
  }
}

function markerOf(message: IncomingMessage): RedriveRecord | undefined {
  const of = parseEntryId(message.headers[REDRIVE_OF_HEADER] ?? '');
  if (!of) return undefined;
  try {
    const body = JSON.parse(message.value?.toString('utf8') ?? '') as Partial<RedriveRecord>;
    return {
      of,
      original: body.original ?? { topic: '', partition: null, offset: null },
      at: body.at ?? new Date(message.timestamp).toISOString(),
      by: body.by ?? 'unknown',
      forced: body.forced === true,
      markerOffset: message.offset,
    };
  } catch {
    return {
      of,
      original: { topic: '', partition: null, offset: null },
      at: '',
      by: 'unknown',
      forced: false,
      markerOffset: message.offset,
    };
  }
}

/**
 * The entries of one DLQ from its messages (any order), each with the latest redrive covering it:
 * a marker of this very message, or of another copy of the same original message.
 */
export function readDlq(dlqTopic: string, messages: readonly IncomingMessage[]): DlqEntry[] {
  const markers: RedriveRecord[] = [];
  const entries: DlqEntry[] = [];
  const originalTopic = dlqTopic.replace(/\.dlq$/, '');
  for (const message of messages) {
    if (message.headers[REDRIVE_OF_HEADER] !== undefined) {
      const marker = markerOf(message);
      if (marker) markers.push(marker);
      continue;
    }
    const headers = message.headers;
    const payload = message.value?.toString('utf8') ?? '';
    entries.push({
      dlqTopic,
      id: entryId(message.partition, message.offset),
      partition: message.partition,
      offset: message.offset,
      key: message.key,
      error: {
        type: headers[DLQ_HEADERS.errorType] ?? 'Error',
        message: headers[DLQ_HEADERS.error] ?? 'no error recorded',
      },
      consumer: headers[DLQ_HEADERS.consumer] ?? null,
      failedAt: headers[DLQ_HEADERS.failedAt] ?? null,
      original: {
        topic: headers[DLQ_HEADERS.originalTopic] ?? originalTopic,
        partition: integerOrNull(headers[DLQ_HEADERS.originalPartition]),
        offset: headers[DLQ_HEADERS.originalOffset] ?? null,
      },
      event: eventOf(payload),
      payload,
      bytes: message.value ?? Buffer.alloc(0),
      headers: Object.fromEntries(
        Object.entries(headers).filter(([name]) => !name.startsWith('dlq-') || name === REDRIVEN_FROM_HEADER),
      ),
      redriven: null,
    });
  }
  const byOffset = (a: { partition: number; offset: string }, b: { partition: number; offset: string }) =>
    a.partition - b.partition ||
    (BigInt(a.offset) < BigInt(b.offset) ? -1 : BigInt(a.offset) > BigInt(b.offset) ? 1 : 0);
  markers.sort((a, b) => Number(BigInt(a.markerOffset) - BigInt(b.markerOffset)));
  for (const entry of entries) {
    for (const marker of markers) {
      const same = marker.of.partition === entry.partition && marker.of.offset === entry.offset;
      if (same || samePosition(marker.original, entry.original)) entry.redriven = marker;
    }
  }
  return entries.sort(byOffset);
}

/** Which messages a redrive takes. */
export type RedriveSelection = { all: true } | { ids: string[] };

export interface RedriveOptions {
  /** Redrive also what was redriven before. */
  force: boolean;
  at: string;
  by: string;
}

/** What a redrive sends: the originals (once per original message) and one marker per DLQ message. */
export interface RedrivePlan {
  dlqTopic: string;
  redrive: DlqEntry[];
  /** With `all`: the messages left out because they were redriven before (use force). */
  alreadyRedriven: DlqEntry[];
  messages: OutgoingMessage[];
}

/** A redrive of named messages that cannot be done as asked: nothing is sent. */
export class RedriveRefused extends Error {
  constructor(readonly reasons: string[]) {
    super(reasons.join('; '));
    this.name = 'RedriveRefused';
  }
}

/**
 * Plans a redrive. Named messages must all exist and, unless forced, none may have been redriven
 * (the whole command is refused otherwise, so an operator's intent is never half done); `all` takes
 * what was not redriven yet (everything when forced). Copies of one original message (dead-lettered
 * by several consumers of the topic) are sent once: every consumer group receives it again anyway.
 */
export function planRedrive(
  dlqTopic: string,
  entries: readonly DlqEntry[],
  selection: RedriveSelection,
  options: RedriveOptions,
): RedrivePlan {
  let chosen: DlqEntry[];
  const alreadyRedriven: DlqEntry[] = [];
  if ('all' in selection) {
    chosen = entries.filter((e) => {
      if (!e.redriven || options.force) return true;
      alreadyRedriven.push(e);
      return false;
    });
  } else {
    const reasons: string[] = [];
    chosen = [];
    for (const id of selection.ids) {
      const position = parseEntryId(id);
      const entry =
        position && entries.find((e) => e.partition === position.partition && e.offset === position.offset);
      if (!entry) {
        reasons.push(`${id}: no dead-lettered message at this offset of ${dlqTopic}`);
      } else if (entry.redriven && !options.force) {
        reasons.push(
          `${id}: already redriven at ${entry.redriven.at} by ${entry.redriven.by} (--force sends it again)`,
        );
      } else if (!chosen.includes(entry)) {
        chosen.push(entry);
      }
    }
    if (reasons.length > 0) throw new RedriveRefused(reasons);
  }

  const messages: OutgoingMessage[] = [];
  const sent: MessagePosition[] = [];
  for (const entry of chosen) {
    if (!sent.some((position) => samePosition(position, entry.original))) {
      sent.push(entry.original);
      messages.push({
        topic: entry.original.topic,
        // The consumer keeps the original key (it only invents one for a message that had none).
        key: entry.key ?? `${entry.original.partition}:${entry.original.offset}`,
        value: entry.bytes,
        headers: {
          ...entry.headers,
          [REDRIVEN_FROM_HEADER]: `${dlqTopic}:${entry.partition}:${entry.offset}`,
        },
      });
    }
    const record = {
      original: entry.original,
      at: options.at,
      by: options.by,
      forced: options.force && entry.redriven !== null,
    };
    messages.push({
      topic: dlqTopic,
      key: `redrive:${entry.partition}:${entry.offset}`,
      value: JSON.stringify(record),
      headers: {
        [REDRIVE_OF_HEADER]: `${entry.partition}:${entry.offset}`,
        'content-type': 'application/json',
      },
    });
  }
  return { dlqTopic, redrive: chosen, alreadyRedriven, messages };
}
