const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/;

/**
 * Parses a duration setting: "15m", "3s", "7d", "250ms", or a bare number of milliseconds.
 * Throws on anything else so that a typo stops the service at start-up.
 */
export function parseDuration(value: string | number, name = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative duration`);
    return Math.round(value);
  }
  const match = DURATION_PATTERN.exec(value);
  if (!match)
    throw new Error(`${name} must be a duration like 15m, 3s, 7d, 250ms or milliseconds, got "${value}"`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 'ms']);
}
