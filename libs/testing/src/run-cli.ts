import { execFile } from 'child_process';
import { resolve } from 'path';

/** The repository's root: where the package scripts run. */
export const REPO_ROOT = resolve(__dirname, '../../..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the repository's TypeScript commands (`npm run import`, `npm run dlq`, ...) as an
 * operator would: node with the swc loader, from the repository's root, with `env` on top of ours.
 */
export function runCli(script: string, args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['-r', '@swc-node/register', script, ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: 120_000 },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
