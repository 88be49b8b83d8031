/**
 * Splitting a JSON-lines body into its lines, on the bytes: a line break (0x0A) never occurs inside a
 * multi-byte UTF-8 character, so each line is decoded on its own and one line of bad UTF-8 rejects
 * that line only. Pure: no I/O.
 */

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

/** One line of the body: its 1-based number, and its text, or why it has none. */
export type BodyLine = { line: number; text: string } | { line: number; error: string };

/**
 * The body's non-blank lines, numbered as in the body (blank lines keep their number, so numbers match
 * the sender's file). A line ending in CR LF loses the CR; a UTF-8 byte order mark at the start is
 * dropped. A line over `maxLineBytes` or not valid UTF-8 comes back as an error.
 */
export function splitLines(body: Buffer, maxLineBytes: number): BodyLine[] {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const lines: BodyLine[] = [];
  let start = body.subarray(0, 3).equals(BYTE_ORDER_MARK) ? 3 : 0;
  let line = 0;
  while (start < body.length) {
    const found = body.indexOf(NEWLINE, start);
    const stop = found === -1 ? body.length : found;
    line++;
    let end = stop;
    if (end > start && body[end - 1] === CARRIAGE_RETURN) end--;
    const bytes = body.subarray(start, end);
    start = stop + 1;
    if (bytes.length > maxLineBytes) {
      lines.push({ line, error: `the line is longer than ${maxLineBytes} bytes` });
      continue;
    }
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      lines.push({ line, error: 'the line is not valid UTF-8' });
      continue;
    }
    if (text.trim() !== '') lines.push({ line, text });
  }
  return lines;
}
