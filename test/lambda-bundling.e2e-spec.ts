import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(__dirname, '..');
const BUNDLING = pathToFileURL(join(ROOT, 'scripts/lambda-bundling.mjs')).href;
const PROBE = join(__dirname, 'support/bundling-probe.mjs');

interface ProbeRun {
  formattersAtLoad: number;
  formattersAfterUse: number;
  timestamps: string[];
  leftOutError: string;
  noAdapterError: string;
}

/**
 * The steps of scripts/lambda-bundling.mjs that change what a dependency does, checked on a
 * probe bundled exactly as the Lambda bundles are and run in a fresh Node process.
 */
describe('the Lambda bundling steps', () => {
  let folder: string;
  let run: ProbeRun;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'lambda-bundling-'));
    const bundle = join(folder, 'probe.js');
    const bundleProbe = `import { bundleLambda } from ${JSON.stringify(BUNDLING)};
await bundleLambda({ entry: ${JSON.stringify(PROBE)}, outfile: ${JSON.stringify(bundle)} });`;
    execFileSync(process.execPath, ['--input-type=module', '-e', bundleProbe], { cwd: ROOT });
    // Counts the Intl.DateTimeFormat built while the bundle loads, then while it is used.
    const runProbe = `let built = 0;
Intl.DateTimeFormat = new Proxy(Intl.DateTimeFormat, { construct: (target, args) => (built++, new target(...args)) });
const probe = require(${JSON.stringify(bundle)});
const formattersAtLoad = built;
const timestamps = [probe.consoleLoggerTimestamp(), probe.loggerTimestamp(), probe.consoleLoggerTimestamp()];
let leftOutError;
try { probe.parseExtendedQuery('a[b]=1'); } catch (error) { leftOutError = error.message; }
probe
  .createWithoutAdapter()
  .then(() => undefined, (error) => error.message)
  .then((noAdapterError) =>
    console.log(JSON.stringify({ formattersAtLoad, formattersAfterUse: built, timestamps, leftOutError, noAdapterError })),
  );`;
    run = JSON.parse(execFileSync(process.execPath, ['-e', runProbe], { encoding: 'utf8' })) as ProbeRun;
  });

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("builds Nest's logger date formatters on first use, not as the bundle loads", () => {
    expect(run.formattersAtLoad).toBe(0);
    expect(run.formattersAfterUse).toBe(2); // one per logger module, each built once
  });

  it("still formats Nest's logger timestamps", () => {
    const year = String(new Date().getFullYear());
    for (const timestamp of run.timestamps) expect(timestamp).toContain(year);
  });

  it('replaces a package the service does not use by a stub that fails loudly when called', () => {
    expect(run.leftOutError).toBe('qs is left out of this bundle');
  });

  it("leaves out Nest's fallback HTTP adapter: an application created without one fails clearly", () => {
    expect(run.noAdapterError).toBe(
      '@nestjs/platform-express is left out of this bundle: pass an ExpressAdapter to NestFactory.create',
    );
  });
});
