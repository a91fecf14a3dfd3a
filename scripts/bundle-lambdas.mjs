// `npm run build`: one self-contained file per Lambda entry point (see lambda-bundling.mjs).
import { stat } from 'node:fs/promises';
import { bundleLambda } from './lambda-bundling.mjs';

const INPUT = 'build/lambda-input';

const lambdas = [
  { entry: `${INPUT}/main.lambda.js`, outfile: 'dist/lambda/status/index.js' },
  // An application context: Express is never imported, so it is not in this bundle.
  { entry: `${INPUT}/main.events.js`, outfile: 'dist/lambda/events/index.js' },
];

for (const lambda of lambdas) {
  await bundleLambda(lambda);
  const { size } = await stat(lambda.outfile);
  console.log(`${lambda.outfile}: ${(size / 1024).toFixed(0)} KiB`);
}
