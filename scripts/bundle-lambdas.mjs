// One self-contained file per Lambda entry point, from the tsc output in dist/ (tsc keeps the
// decorator metadata Nest's dependency injection needs; esbuild alone would drop it).
import { build } from 'esbuild';
import { stat } from 'node:fs/promises';

/**
 * Packages that Nest and Express load at start-up for features this service never uses
 * (file uploads, file-type sniffing, decoding request bodies in other charsets: it reads
 * no request body). Each is replaced by a stub that fails loudly if anything ever calls it.
 */
const UNUSED_AT_RUNTIME = ['multer', 'file-type', 'iconv-lite'];

const leaveOut = {
  name: 'leave-out-unused',
  setup(bundle) {
    const unused = new RegExp(`^(${UNUSED_AT_RUNTIME.join('|')})(/.*)?$`);
    bundle.onResolve({ filter: unused }, ({ path }) => ({ path, namespace: 'left-out' }));
    bundle.onLoad({ filter: /.*/, namespace: 'left-out' }, ({ path }) => ({
      contents: `const fail = () => { throw new Error(${JSON.stringify(path)} + ' is left out of this bundle'); };
module.exports = new Proxy(fail, { get: (target, key) => (key === '__esModule' ? false : fail) });`,
      loader: 'js',
    }));
  },
};

// Nest loads these lazily and runs without them; the service uses none of them.
const NEST_OPTIONAL = [
  '@nestjs/microservices',
  '@nestjs/microservices/*',
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  'class-transformer',
  'class-validator',
];

const lambdas = [
  { entry: 'dist/main.lambda.js', out: 'dist/lambda/status/index.js', external: NEST_OPTIONAL },
  // An application context serves no HTTP: Nest never loads its HTTP adapter there.
  {
    entry: 'dist/main.events.js',
    out: 'dist/lambda/events/index.js',
    external: [...NEST_OPTIONAL, '@nestjs/platform-express'],
  },
];

const outputs = [];
for (const { entry, out, external } of lambdas) {
  const result = await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    keepNames: true,
    minify: true,
    legalComments: 'none',
    metafile: true,
    external,
    plugins: [leaveOut],
    logLevel: 'warning',
  });
  outputs.push(...Object.keys(result.metafile.outputs));
}

for (const output of outputs) {
  const { size } = await stat(output);
  console.log(`${output}: ${(size / 1024).toFixed(0)} KiB`);
}
