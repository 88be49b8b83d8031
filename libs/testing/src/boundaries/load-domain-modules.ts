/**
 * Run by boundaries.spec.ts in a child process: loads every module of every `domain/` folder of the
 * apps (specs excluded) and prints, as JSON, the packages from node_modules that loading them added.
 * The domain is pure when that list holds nothing that does I/O.
 */
import { readdirSync } from 'fs';
import { join, resolve } from 'path';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const packageOf = (path: string) => {
  const [scopeOrName, name] = path.split('node_modules/').pop()!.split('/');
  return scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName;
};
const loadedPackages = () =>
  new Set(
    Object.keys(require.cache)
      .filter((k) => k.includes('node_modules/'))
      .map(packageOf),
  );

const root = resolve(__dirname, '../../../..');
const before = loadedPackages();
const modules = filesUnder(join(root, 'apps')).filter(
  (file) => /\/domain\/[^/]+\.ts$/.test(file) && !file.endsWith('.spec.ts'),
);
// Loaded synchronously on purpose: require.cache is what the check reads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
for (const file of modules) require(file);
const added = [...loadedPackages()].filter((name) => !before.has(name)).sort();
process.stdout.write(JSON.stringify({ modules: modules.length, added }));
