import path from 'node:path';
import { contextFromArguments, createStatusServiceApp, InvalidParameterError } from './status-service-app';

/** `npm run synth` (offline, no credentials) and `npm run deploy`; see docs/operations.md, Deploy. */
function synthesize(): void {
  const { app, stack } = createStatusServiceApp({
    // This file runs from build/local/infra/.
    bundlesDirectory: path.resolve(__dirname, '../../../dist/lambda'),
    context: contextFromArguments(process.argv),
    outdir: process.env.CDK_OUTDIR ?? 'cdk.out',
  });
  const template = app.synth().getStackArtifact(stack.artifactId).templateFullPath;
  // The CDK CLI (which sets CDK_OUTDIR) reports on its own; `npm run synth` says where the template is.
  if (process.env.CDK_OUTDIR === undefined) {
    console.log(`Template: ${path.relative(process.cwd(), template)}`);
  }
}

try {
  synthesize();
} catch (error) {
  // A bad parameter is the operator's to fix: its message, without a stack trace.
  if (!(error instanceof InvalidParameterError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
