import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const APPS = ['catalog', 'orders', 'inventory', 'members', 'analytics', 'analytics-projector'];

/** Tests and their harnesses may boot another app in process (end-to-end tests of a flow). */
const TEST_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/src/test/**', '**/src/e2e/**'];

/** What domain code may not load: the framework and anything that does I/O. */
const NOT_IN_DOMAIN = [
  '@ecom/platform',
  '@ecom/messaging',
  '@ecom/auth',
  '@ecom/testing',
  '@ecom/analytics-read-models',
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
  // Boundaries. Libraries never import apps.
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/apps/**'], message: 'libraries never import apps' }] },
      ],
    },
  },
  // An app's production code never imports another app: services meet only through Kafka events
  // and their public APIs.
  ...APPS.map((app) => ({
    files: [`apps/${app}/src/**/*.ts`],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: APPS.filter((other) => other !== app).map((other) => `**/${other}/src/**`),
              message: 'an app never imports another app',
            },
          ],
        },
      ],
    },
  })),
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
          ],
          patterns: [{ group: NOT_IN_DOMAIN, message: 'domain code is pure: no framework, no I/O' }],
        },
      ],
    },
  },
);
