import type { DlqEntry, RedrivePlan } from './dlq-entries';

/** An entry as `--json` prints it: everything but the raw bytes (the payload is there as text). */
export type DlqEntryView = Omit<DlqEntry, 'bytes'>;

export function entryView(entry: DlqEntry): DlqEntryView {
  const { bytes: _bytes, ...view } = entry;
  return view;
}

function clip(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

function eventLabel(entry: DlqEntry): string {
  if (!entry.event) return '(not an event)';
  return [entry.event.type ?? '?', entry.event.aggregateId ?? ''].join(' ').trim();
}

function redrivenLabel(entry: DlqEntry): string {
  const r = entry.redriven;
  return r ? `${r.at} by ${r.by}${r.forced ? ' (forced)' : ''}` : '';
}

/** `list`: per DLQ, a line per message (offset, when, consumer, event, error, redriven or not). */
export function renderList(dlqs: ReadonlyArray<{ dlqTopic: string; entries: DlqEntry[] }>): string {
  const lines: string[] = [];
  const empty = dlqs.filter((d) => d.entries.length === 0).map((d) => d.dlqTopic);
  for (const { dlqTopic, entries } of dlqs) {
    if (entries.length === 0) continue;
    const redriven = entries.filter((e) => e.redriven).length;
    lines.push(`${dlqTopic}: ${entries.length} message(s), ${redriven} redriven`);
    const rows = [
      ['OFFSET', 'FAILED AT', 'CONSUMER', 'EVENT', 'ERROR', 'REDRIVEN'],
      ...entries.map((e) => [
        e.id,
        e.failedAt ?? '',
        e.consumer ?? '',
        clip(eventLabel(e), 40),
        clip(`${e.error.type}: ${e.error.message}`, 80),
        redrivenLabel(e),
      ]),
    ];
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    for (const row of rows) {
      lines.push(`  ${row.map((cell, column) => cell.padEnd(widths[column])).join('  ')}`.trimEnd());
    }
    lines.push('');
  }
  if (empty.length > 0) {
    lines.push(`${empty.length === dlqs.length ? 'nothing dead-lettered' : 'empty'}: ${empty.join(', ')}`);
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** `show`: one message in full, its payload pretty-printed when it is JSON. */
export function renderEntry(entry: DlqEntry): string {
  let payload = entry.payload;
  try {
    payload = JSON.stringify(JSON.parse(entry.payload), null, 2);
  } catch {
    // not JSON: shown as it is
  }
  const original = entry.original;
  const fields: Array<[string, string]> = [
    ['failed at', entry.failedAt ?? 'unknown'],
    ['consumer', entry.consumer ?? 'unknown'],
    ['error', `${entry.error.type}: ${entry.error.message}`],
    ['original', `${original.topic} partition ${original.partition ?? '?'} offset ${original.offset ?? '?'}`],
    ['key', entry.key ?? '(none)'],
    ['event', entry.event ? `${eventLabel(entry)} (id ${entry.event.id ?? '?'})` : '(not an event)'],
    [
      'headers',
      Object.entries(entry.headers)
        .map(([name, value]) => `${name}=${value}`)
        .join(', ') || '(none)',
    ],
    [
      'redriven',
      entry.redriven ? `${redrivenLabel(entry)}, marker at offset ${entry.redriven.markerOffset}` : 'no',
    ],
  ];
  const width = Math.max(...fields.map(([name]) => name.length));
  return [
    `${entry.dlqTopic} offset ${entry.id}`,
    ...fields.map(([name, value]) => `${name.padEnd(width)}  ${value}`),
    'payload',
    payload,
    '',
  ].join('\n');
}

/** `redrive`: what went where, and what was left out. */
export function renderRedrive(plan: RedrivePlan, dryRun: boolean): string {
  const lines: string[] = [];
  const topics = [...new Set(plan.redrive.map((e) => e.original.topic))];
  const sent = plan.messages.filter((m) => m.topic !== plan.dlqTopic).length;
  if (plan.redrive.length === 0) lines.push(`${plan.dlqTopic}: nothing to redrive`);
  else
    lines.push(
      `${dryRun ? 'would redrive' : 'redrove'} ${plan.redrive.length} message(s) of ${plan.dlqTopic} ` +
        `(offsets ${plan.redrive.map((e) => e.id).join(', ')}) as ${sent} message(s) to ${topics.join(', ')}`,
    );
  if (plan.alreadyRedriven.length > 0) {
    lines.push(
      `left out ${plan.alreadyRedriven.length} already redriven (offsets ` +
        `${plan.alreadyRedriven.map((e) => e.id).join(', ')}); --force sends them again`,
    );
  }
  return `${lines.join('\n')}\n`;
}
