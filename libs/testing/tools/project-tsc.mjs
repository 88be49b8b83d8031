// Type-checks or builds one Nx project with the workspace's compiler options (the `typecheck` and
// `build` targets of nx.json run it):
//   typecheck: the project's own TypeScript files, specs included, and everything they import; no output.
//   build:     an app's production files and the libraries they import, into dist/nx/<project>
//              (dist/nx/<project>/apps/<project>/src/main.js), with the @ecom/* aliases rewritten to
//              relative paths by tsc-alias, as `npm run build` does for the whole workspace into dist/.
// tsc reads a configuration per project and mode written to tmp/tsc/ (git ignores tmp/).
// Usage: node libs/testing/tools/project-tsc.mjs <typecheck|build> <project> <projectRoot>
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
const [mode, project, projectRoot] = process.argv.slice(2);
if (!['typecheck', 'build'].includes(mode) || !project || !projectRoot) {
  console.error('usage: project-tsc.mjs <typecheck|build> <project> <projectRoot>');
  process.exit(2);
}

const configDir = join(ROOT, 'tmp', 'tsc');
const fromConfig = (path) => relative(configDir, join(ROOT, path)).split('\\').join('/');
const outDir = `dist/nx/${project}`;
const config =
  mode === 'typecheck'
    ? {
        extends: fromConfig('tsconfig.base.json'),
        // The build info only speeds up the next check of this project on this machine (tsc verifies
        // every file it lists); the Nx cache does not keep it.
        compilerOptions: {
          noEmit: true,
          incremental: true,
          tsBuildInfoFile: `${project}.typecheck.tsbuildinfo`,
        },
        include: [fromConfig(`${projectRoot}/**/*.ts`)],
      }
    : {
        // tsconfig.build.json's exclusions (specs, test and e2e folders, libs/testing) still apply.
        extends: fromConfig('tsconfig.build.json'),
        compilerOptions: {
          outDir: fromConfig(outDir),
          // Kept inside the output, so a build restored from the Nx cache carries its own build info.
          tsBuildInfoFile: fromConfig(`${outDir}/.tsbuildinfo`),
        },
        include: [fromConfig(`${projectRoot}/src/**/*.ts`)],
      };
mkdirSync(configDir, { recursive: true });
const configFile = join(configDir, `${project}.${mode}.json`);
writeFileSync(configFile, JSON.stringify(config, null, 2) + '\n');

function run(script, args) {
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', script), ...args], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('typescript/bin/tsc', ['-p', configFile]);
if (mode === 'build') run('tsc-alias/dist/bin/index.js', ['-p', configFile]);
