/**
 * Writes the published event schemas (docs/contract.md section 3) under libs/contracts/schemas:
 * one JSON Schema per event type and version, plus asyncapi.json. Files no longer rendered are
 * removed. Run with `npm run schemas:generate` after changing an event definition, and commit.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'fs';
import { dirname, join, relative, sep } from 'path';
import { renderEventSchemaFiles } from '../src/events/schema-files';

const SCHEMAS_DIR = join(__dirname, '..', 'schemas');

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function main(): void {
  const files = renderEventSchemaFiles();
  let written = 0;
  for (const [path, content] of files) {
    const target = join(SCHEMAS_DIR, path);
    const unchanged = existsSync(target) && readFileSync(target, 'utf8') === content;
    if (!unchanged) {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
      written++;
    }
    console.log(`${unchanged ? 'unchanged' : 'wrote    '} ${relative(process.cwd(), target)}`);
  }
  let removed = 0;
  for (const existing of listFiles(SCHEMAS_DIR)) {
    const path = relative(SCHEMAS_DIR, existing).split(sep).join('/');
    if (!files.has(path)) {
      unlinkSync(existing);
      removed++;
      console.log(`removed   ${relative(process.cwd(), existing)}`);
    }
  }
  for (const dir of readdirSync(SCHEMAS_DIR).map((name) => join(SCHEMAS_DIR, name))) {
    if (statSync(dir).isDirectory() && readdirSync(dir).length === 0) rmdirSync(dir);
  }
  console.log(
    `${files.size} schema files: ${written} written, ${files.size - written} unchanged, ${removed} removed`,
  );
}

main();
