import { spawnSync } from 'child_process';
import { join, resolve } from 'path';

const ROOT = resolve(__dirname, '../../../..');

/** Packages domain code must never load: the framework, the database, Kafka, Redis, metrics, validation. */
const IO_PACKAGES = [
  '@nestjs/core',
  '@nestjs/common',
  'typeorm',
  'pg',
  'kafkajs',
  'ioredis',
  'prom-client',
  'ajv',
];

/** ESLint's messages for a snippet as if it were the file at `filePath` (the project's own config). */
function lint(filePath: string, code: string): { ruleId: string | null; message: string }[] {
  const result = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/eslint/bin/eslint.js'),
      '--stdin',
      '--stdin-filename',
      filePath,
      '--format',
      'json',
    ],
    { cwd: ROOT, input: code, encoding: 'utf8' },
  );
  const [report] = JSON.parse(result.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return report.messages;
}

const restricted = (messages: { ruleId: string | null }[]) =>
  messages.filter((m) => m.ruleId === 'no-restricted-imports');

describe('boundaries', () => {
  it('every domain module loads no package that does I/O', () => {
    const child = spawnSync(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, 'load-domain-modules.ts')],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(child.status).toBe(0);
    const { modules, added } = JSON.parse(child.stdout) as { modules: number; added: string[] };
    expect(modules).toBeGreaterThan(15);
    expect(added.filter((name) => IO_PACKAGES.includes(name))).toEqual([]);
  });

  describe('the lint rules are active', () => {
    const domainFile = 'apps/orders/src/order/domain/boundary-probe.ts';

    it('refuse the package root of @ecom/event-sourcing and I/O packages in domain code', () => {
      expect(
        restricted(
          lint(domainFile, `import { DomainError } from '@ecom/event-sourcing';\nexport { DomainError };\n`),
        ),
      ).toHaveLength(1);
      expect(
        restricted(lint(domainFile, `import { DataSource } from 'typeorm';\nexport { DataSource };\n`)),
      ).toHaveLength(1);
    });

    it('let domain code use the pure entry point', () => {
      expect(
        restricted(
          lint(
            domainFile,
            `import { DomainError } from '@ecom/event-sourcing/domain';\nexport { DomainError };\n`,
          ),
        ),
      ).toEqual([]);
    });

    it("refuse another app's code in an app, and any app's code in a library", () => {
      expect(
        restricted(
          lint(
            'apps/orders/src/order/boundary-probe.ts',
            `import { AppModule } from '../../../inventory/src/app.module';\nexport { AppModule };\n`,
          ),
        ),
      ).toHaveLength(1);
      expect(
        restricted(
          lint(
            'libs/platform/src/boundary-probe.ts',
            `import { AppModule } from '../../../apps/orders/src/app.module';\nexport { AppModule };\n`,
          ),
        ),
      ).toHaveLength(1);
    });
  });
});
