import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FINDING_IDS, FINDINGS } from './findings';

describe('docs/response.md, Findings', () => {
  const doc = readFileSync(resolve(__dirname, '../../docs/response.md'), 'utf8');

  it.each(FINDING_IDS)('has the row of %s with its severity and its action as the response says it', (id) => {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${id}\` |`));

    expect(row).toBeDefined();
    expect(row).toContain(`| ${FINDINGS[id].severity} |`);
    expect(row).toContain(`| ${FINDINGS[id].action} |`);
  });
});
