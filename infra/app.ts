import path from 'node:path';
import { contextFromArguments, createStatusServiceApp } from './status-service-app';

/** `npm run synth` (offline, no credentials) and `npm run deploy`; see README, Deploy. */
const { app } = createStatusServiceApp({
  // This file runs from build/local/infra/.
  bundlesDirectory: path.resolve(__dirname, '../../../dist/lambda'),
  context: contextFromArguments(process.argv),
  outdir: process.env.CDK_OUTDIR ?? 'cdk.out',
});
app.synth();
