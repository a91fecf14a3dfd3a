import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from './bootstrap';
import { InvalidConfigError, type LogFormat } from './config/app-config';
import { AppLogger } from './logging/app-logger';

/**
 * The application of a local server (`npm start`, `npm run start:aws`). In the `text` format
 * it logs readable lines, and prints no metric lines: EMF is for CloudWatch, and a person's
 * terminal has no use for it. In `json` it prints what the Lambda prints.
 */
export function createLocalApp(logFormat: LogFormat): Promise<NestExpressApplication> {
  // Powertools Metrics' own switch, read when the application builds its publisher.
  if (logFormat === 'text') process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  return createApp(new AppLogger(logFormat), logFormat);
}

/** A local server that cannot start says why in one line, and exits non-zero. */
export function exitOnStartupError(error: unknown): never {
  const reason =
    error instanceof InvalidConfigError
      ? error.message
      : error instanceof Error
        ? error.stack
        : String(error);
  process.stderr.write(`The local server could not start: ${reason}\n`);
  process.exit(1);
}
