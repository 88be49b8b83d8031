import { spawnSync } from 'child_process';
import { existsSync, readdirSync, readFileSync } from 'fs';
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

type Message = { ruleId: string | null; message: string };

/**
 * ESLint's messages for snippets as if each were the file at its path, with the project's own
 * config: one child process (the config is an ES module, and it brings Nx's project graph up to date
 * first), one ESLint instance for every snippet.
 */
function lintAll(snippets: { filePath: string; code: string }[]): Message[][] {
  const script = `
    const { ESLint } = require('eslint');
    const snippets = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    const eslint = new ESLint({ cwd: process.cwd() });
    (async () => {
      const results = [];
      for (const { filePath, code } of snippets) {
        const [report] = await eslint.lintText(code, { filePath });
        results.push(report.messages.map(({ ruleId, message }) => ({ ruleId, message })));
      }
      process.stdout.write(JSON.stringify(results));
    })().catch((error) => { console.error(error); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    input: JSON.stringify(snippets),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`eslint failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Message[][];
}

const importing = (path: string) => `import { AppModule } from '${path}';\nexport { AppModule };\n`;

/** Imports that cross a boundary, each in a file of the project it would leave. */
const WRONG_IMPORTS = [
  [
    'an app imports another app by a relative path',
    'apps/orders/src/order/boundary-probe.ts',
    importing('../../../inventory/src/app.module'),
  ],
  [
    'an app imports another app by a path from the workspace root',
    'apps/orders/src/order/boundary-probe.ts',
    importing('apps/inventory/src/app.module'),
  ],
  [
    "an app's test imports another app",
    'apps/orders/src/e2e/boundary-probe.e2e.int-spec.ts',
    importing('../../../inventory/src/app.module'),
  ],
  [
    "an app's test harness imports another app dynamically",
    'apps/orders/src/test/boundary-probe.ts',
    `export const load = () => import('../../../inventory/src/app.module');\n`,
  ],
  [
    'the analytics API imports the analytics projector',
    'apps/analytics/src/boundary-probe.ts',
    importing('../../analytics-projector/src/app.module'),
  ],
  [
    'the analytics projector imports the analytics API',
    'apps/analytics-projector/src/test/boundary-probe.ts',
    importing('../../../analytics/src/app.module'),
  ],
  [
    'a library imports an app by a relative path',
    'libs/platform/src/boundary-probe.ts',
    importing('../../../apps/orders/src/app.module'),
  ],
  [
    'a library imports an app by a path from the workspace root',
    'libs/testing/src/boundary-probe.ts',
    importing('apps/orders/src/app.module'),
  ],
  [
    'a library imports a module an app project holds (bench/, through baseUrl)',
    'libs/platform/src/boundary-probe.ts',
    `import { summarize } from 'bench/lib/stats';\nexport { summarize };\n`,
  ],
  [
    'a library imports a library that depends on it (a cycle)',
    'libs/contracts/src/boundary-probe.ts',
    `import { KafkaMessageBus } from '@ecom/messaging';\nexport { KafkaMessageBus };\n`,
  ],
  [
    'a library imports another library by a relative path',
    'libs/testing/src/boundary-probe.ts',
    `import { SERVICES } from '../../platform/src/config/service-descriptor';\nexport { SERVICES };\n`,
  ],
] as const;

/** Imports within the boundaries: libraries by their @ecom alias, files of the project itself. */
const RIGHT_IMPORTS = [
  [
    'an app imports a library by its alias',
    'apps/orders/src/order/boundary-probe.ts',
    `import { SERVICES } from '@ecom/platform';\nexport { SERVICES };\n`,
  ],
  [
    "an app's test imports the test kit and its own app module",
    'apps/orders/src/e2e/boundary-probe.e2e.int-spec.ts',
    `import { startServiceProcess } from '@ecom/testing';\nimport { AppModule } from '../app.module';\nexport { AppModule, startServiceProcess };\n`,
  ],
  [
    'a library imports another library by its alias',
    'libs/testing/src/boundary-probe.ts',
    `import { SERVICES } from '@ecom/platform';\nexport { SERVICES };\n`,
  ],
] as const;

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
    const KIT_IMPORT = `import { startServiceProcess } from '@ecom/testing';\nexport { startServiceProcess };\n`;
    const kitImporters = ['libs/platform/src/boundary-probe.ts', 'libs/platform/src/boundary-probe.spec.ts'];
    const DOMAIN_IMPORTS = [
      `import { DomainError } from '@ecom/event-sourcing';\nexport { DomainError };\n`,
      `import { DataSource } from 'typeorm';\nexport { DataSource };\n`,
      `import { DomainError } from '@ecom/event-sourcing/domain';\nexport { DomainError };\n`,
    ];
    const cases = [
      ...DOMAIN_IMPORTS.map((code) => ({ filePath: domainFile, code })),
      ...kitImporters.map((filePath) => ({ filePath, code: KIT_IMPORT })),
      ...[...WRONG_IMPORTS, ...RIGHT_IMPORTS].map(([, filePath, code]) => ({ filePath, code })),
    ];
    let results: Message[][] = [];
    beforeAll(() => {
      results = lintAll(cases);
    }, 60_000);
    const resultOf = (code: string, filePath: string) =>
      results[cases.findIndex((c) => c.code === code && c.filePath === filePath)];
    const restricted = (messages: Message[]) => messages.filter((m) => m.ruleId === 'no-restricted-imports');
    const boundaries = (messages: Message[]) =>
      messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries');

    it('refuse the package root of @ecom/event-sourcing and I/O packages in domain code', () => {
      expect(restricted(resultOf(DOMAIN_IMPORTS[0], domainFile))).toHaveLength(1);
      expect(restricted(resultOf(DOMAIN_IMPORTS[1], domainFile))).toHaveLength(1);
    });

    it('let domain code use the pure entry point', () => {
      expect(restricted(resultOf(DOMAIN_IMPORTS[2], domainFile))).toEqual([]);
    });

    it('refuse the test kit in production code, let tests use it', () => {
      expect(restricted(resultOf(KIT_IMPORT, kitImporters[0]))).toHaveLength(1);
      expect(resultOf(KIT_IMPORT, kitImporters[1])).toEqual([]);
    });

    it.each(WRONG_IMPORTS)('@nx/enforce-module-boundaries refuses it when %s', (_case, filePath, code) => {
      expect(boundaries(resultOf(code, filePath))).toHaveLength(1);
    });

    it.each(RIGHT_IMPORTS)('@nx/enforce-module-boundaries accepts it when %s', (_case, filePath, code) => {
      expect(resultOf(code, filePath)).toEqual([]);
    });
  });

  it('every project carries the tags the boundary rule constrains', () => {
    const tagsOf = (root: string) =>
      (JSON.parse(readFileSync(join(ROOT, root, 'project.json'), 'utf8')) as { tags?: string[] }).tags;
    const projects = (dir: string) =>
      readdirSync(join(ROOT, dir)).filter((name) => existsSync(join(ROOT, dir, name, 'project.json')));
    expect(projects('apps').length).toBeGreaterThan(5);
    for (const app of projects('apps'))
      expect([app, tagsOf(`apps/${app}`)]).toEqual([app, ['type:app', `scope:${app}`]]);
    for (const lib of projects('libs'))
      expect([lib, tagsOf(`libs/${lib}`)]).toEqual([lib, ['type:lib', 'scope:shared']]);
    expect(tagsOf('bench')).toEqual(['type:bench', 'scope:bench']);
  });
});
