import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import { createProjectGraphAsync } from '@nx/devkit';
import tseslint from 'typescript-eslint';

// @nx/enforce-module-boundaries reads the project graph Nx caches in .nx/workspace-data and, finding
// none (a fresh clone, `npx eslint` before any nx command), skips itself with a mere warning. Bring
// the cached graph up to date first; under an Nx task (`nx run-many -t lint`) Nx has just done so.
if (!process.env.NX_TASK_TARGET_PROJECT) await createProjectGraphAsync({ exitOnError: true });

/** Tests, their helpers and the test kit: the files that may import @ecom/testing. */
const TEST_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/src/test/**', '**/src/e2e/**', 'libs/testing/**'];

/** What domain code may not load: the framework and anything that does I/O. */
const NOT_IN_DOMAIN = [
  '@ecom/platform',
  '@ecom/messaging',
  '@ecom/auth',
  '@ecom/testing',
  // (the root of @ecom/analytics-read-models is refused by name below) but its calendar, days in
  // ANALYTICS_TZ, is pure: one definition for every part of the system
  '@ecom/analytics-read-models/*',
  '!@ecom/analytics-read-models/calendar',
  // and the stock health's pure rules, which the stock warnings share (one sell-through)
  '!@ecom/analytics-read-models/stock-health',
  '@nestjs/*',
  'typeorm',
  'pg',
  'ioredis',
  'kafkajs',
  'prom-client',
  'ajv',
  'fs',
  'node:*',
  'http',
  'https',
  'net',
  'child_process',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'infra/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // Boundaries between projects, from the tags of their project.json: an app imports libraries only
  // (never another app, tests included: an end-to-end test starts another service as a process, see
  // startServiceProcess of @ecom/testing), a library imports libraries only, and the two apps of the
  // analytics context never import each other (they meet in its database and on Kafka). The rule
  // also refuses any relative or absolute path into another project ('../../../inventory/src/...',
  // 'apps/inventory/src/...'), static or dynamic import alike. bench/ starts apps in process on purpose
  // and is left out.
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          // @ecom/testing builds on the libraries whose tests use it, so the project graph has cycles
          // through it; they run through test files only (the rule below keeps the kit out of
          // production code). Cycles among the other projects are still errors.
          ignoredCircularDependencies: [['testing', 'tag:type:lib']],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:analytics', notDependOnLibsWithTags: ['scope:analytics-projector'] },
            { sourceTag: 'scope:analytics-projector', notDependOnLibsWithTags: ['scope:analytics'] },
          ],
        },
      ],
    },
  },
  // Production code never loads the test kit (tests, their helpers and the kit itself may).
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@ecom/testing', message: 'the test kit is for tests and their helpers' }] },
      ],
    },
  },
  // Domain folders are pure: the error and aggregate types of @ecom/event-sourcing/domain and the
  // contracts, nothing that does I/O (a test also loads every domain module and checks it).
  {
    files: ['apps/*/src/**/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@ecom/event-sourcing',
              message: 'domain code imports @ecom/event-sourcing/domain, which loads no I/O',
            },
            {
              name: '@ecom/analytics-read-models',
              message:
                'domain code is pure: of the analytics read models only @ecom/analytics-read-models/calendar',
            },
          ],
          patterns: [{ group: NOT_IN_DOMAIN, message: 'domain code is pure: no framework, no I/O' }],
        },
      ],
    },
  },
);
