import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BUNDLES = resolve(__dirname, '../../dist/lambda');

/**
 * The production bundles (`dist/lambda/{status,events}/index.js`), each copied alone into a
 * new empty folder (no node_modules anywhere above it), as `status.js` and `events.js`:
 * what the Lambda gets. `remove()` deletes the folder.
 */
export function isolatedBundles(): { status: string; events: string; remove: () => void } {
  for (const entry of ['status', 'events']) {
    if (!existsSync(join(BUNDLES, entry, 'index.js'))) throw new Error('Run npm run build (npm test does)');
  }
  const folder = mkdtempSync(join(tmpdir(), 'lambda-bundles-'));
  const copy = (entry: string) => {
    copyFileSync(join(BUNDLES, entry, 'index.js'), join(folder, `${entry}.js`));
    return join(folder, `${entry}.js`);
  };
  return {
    status: copy('status'),
    events: copy('events'),
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
