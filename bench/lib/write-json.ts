/**
 * Writes the results as JSON formatted by the repository's Prettier settings, so a committed result
 * (bench/results/latest.json) passes the format check of the test command.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { dirname } from 'path';
import * as prettier from 'prettier';
import type { BenchReport } from './report';

export async function writeJson(path: string, report: BenchReport): Promise<void> {
  const config = (await prettier.resolveConfig(path)) ?? {};
  const text = await prettier.format(JSON.stringify(report), { ...config, parser: 'json' });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
