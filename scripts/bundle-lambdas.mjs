// One self-contained file per Lambda entry point, from the tsc output in dist/ (tsc keeps the
// decorator metadata Nest's dependency injection needs; esbuild alone would drop it).
import { build } from 'esbuild';
import { stat } from 'node:fs/promises';

const entryPoints = {
  'status/index': 'dist/main.lambda.js',
  'events/index': 'dist/main.events.js',
};

const result = await build({
  entryPoints,
  outdir: 'dist/lambda',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  keepNames: true,
  minify: true,
  legalComments: 'none',
  metafile: true,
  // Nest loads these lazily and runs without them; the service uses none of them.
  external: [
    '@nestjs/microservices',
    '@nestjs/microservices/*',
    '@nestjs/websockets',
    '@nestjs/websockets/*',
    'class-transformer',
    'class-validator',
  ],
  logLevel: 'warning',
});

for (const output of Object.keys(result.metafile.outputs)) {
  const { size } = await stat(output);
  console.log(`${output}: ${(size / 1024).toFixed(0)} KiB`);
}
