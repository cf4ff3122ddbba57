import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSchemaTypes, type SchemaCodegenOptions } from '@ours/platform/schema-codegen';

/**
 * `npm run db:types`: migrates a scratch in-memory database with each app's migrations and writes
 * the app's row types to `src/db/schema.generated.ts`. With `--check` (part of `npm run check`, so
 * CI), it writes nothing and fails when a committed file differs from what the migrations give.
 */
const command = 'npm run db:types';
const apps: Record<string, Omit<SchemaCodegenOptions, 'command' | 'migrationsDir'>> = {
  coach: {
    schemas: ['public', 'auth'],
    overrides: {},
  },
  lab: {
    schemas: ['public'],
    overrides: {},
  },
};

/** The file as the repository's formatter writes it, so `biome check` and `--check` agree. */
function formatted(file: string, text: string): string {
  const biome = join(import.meta.dirname, '..', 'node_modules', '.bin', 'biome');
  const result = spawnSync(biome, ['check', '--write', `--stdin-file-path=${file}`], {
    input: text,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`biome could not format ${file}: ${result.stderr}`);
  return result.stdout;
}

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
const stale: string[] = [];
for (const [app, options] of Object.entries(apps)) {
  const root = join(import.meta.dirname, '..', 'apps', app);
  const file = join(root, 'src', 'db', 'schema.generated.ts');
  const text = formatted(
    file,
    await generateSchemaTypes({ ...options, command, migrationsDir: join(root, 'migrations') }),
  );
  const current = await readFile(file, 'utf8').catch(() => '');
  if (current === text) continue;
  if (values.check) stale.push(file);
  else {
    await writeFile(file, text);
    console.log(`wrote ${file}`);
  }
}
if (stale.length > 0) {
  console.error(`Row types are stale (the migrations changed): run \`${command}\`\n  ${stale.join('\n  ')}`);
  process.exitCode = 1;
}
