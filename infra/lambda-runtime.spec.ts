import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAMBDA_RUNTIME } from './status-service-stack';

const BUNDLING = pathToFileURL(path.resolve(__dirname, '../scripts/lambda-bundling.mjs')).href;

/** `nodejs24.x` → 24. */
function runtimeMajor(runtimeName: string): number {
  const match = /^nodejs(\d+)\.x$/.exec(runtimeName);
  if (match === null) throw new Error(`Not a Node.js Lambda runtime: ${runtimeName}`);
  return Number(match[1]);
}

/** Node.js 24 itself is asserted on the template, in status-service-stack.spec.ts. */
describe('the Lambda runtime', () => {
  const major = runtimeMajor(LAMBDA_RUNTIME.name);

  it('is what the bundles target', () => {
    // Prepare: the bundling options are an ES module; jest runs CommonJS.
    const printTarget = `import { LAMBDA_BUILD_OPTIONS } from ${JSON.stringify(BUNDLING)};
console.log(LAMBDA_BUILD_OPTIONS.target);`;

    // Act
    const target = execFileSync(process.execPath, ['--input-type=module', '-e', printTarget], {
      encoding: 'utf8',
    }).trim();

    // Assess
    expect(target).toBe(`node${major}`);
  });

  it('is the major version the tests run on (the Node.js that npm ci installs)', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(major);
  });
});
