// Shared jest settings for every app and lib: SWC transpiles TypeScript (with the decorator metadata
// NestJS needs); type checking is done once for the whole workspace by `npm run typecheck`.
const path = require('path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    path.join(__dirname, target),
  ]),
);

module.exports = {
  testEnvironment: 'node',
  // A few dependencies ship ESM only (Node loads them with require(esm); jest needs them transpiled).
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|jose)/)'],
  transform: {
    '^.+\\.(ts|js)$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testMatch: ['**/?(*.)+(spec|int-spec).ts'],
  setupFiles: [path.join(__dirname, 'libs/testing/src/jest-setup-env.ts')],
  setupFilesAfterEnv: [path.join(__dirname, 'libs/testing/src/jest-setup-timeout.ts')],
  globalSetup: path.join(__dirname, 'libs/testing/src/global-setup.ts'),
  globalTeardown: path.join(__dirname, 'libs/testing/src/global-teardown.ts'),
};
