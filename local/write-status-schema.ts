import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { statusSchemaDocument } from '../src/status/contract/status.schema';

/**
 * `npm run schema`: writes docs/status.schema.json, the contract of GET /status, from
 * src/status/contract/status.schema.ts, formatted as `prettier --check` wants it.
 */
const PROJECT_ROOT = path.resolve(__dirname, '../../..'); // this file runs from build/local/local/
const SCHEMA_FILE = path.join(PROJECT_ROOT, 'docs/status.schema.json');

async function writeSchema(): Promise<void> {
  const options = await resolveConfig(SCHEMA_FILE);
  const text = await format(JSON.stringify(statusSchemaDocument(), null, 2), {
    ...options,
    filepath: SCHEMA_FILE,
  });
  await writeFile(SCHEMA_FILE, text);
  process.stdout.write(`${path.relative(PROJECT_ROOT, SCHEMA_FILE)}: ${Buffer.byteLength(text)} bytes\n`);
}

writeSchema().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
