import { Logger as PowertoolsLogger, LogLevelThreshold, type LogItem } from '@aws-lambda-powertools/logger';
import { Inject, Injectable, LoggerService, Optional } from '@nestjs/common';
import type { Context } from 'aws-lambda';
import type { LogFormat } from '../config/app-config';
import { METRICS_SERVICE } from '../common/service-name';
import { PrintedLogLine, readableLogLine } from './readable-log-line';

/** Fields an operator filters on in CloudWatch; never put secrets or config values here. */
export interface LogFields {
  preset?: string;
  outcome?: string;
  reason?: string;
  [field: string]: unknown;
}

/** The token of the log format a local server chose; unbound (Lambda, tests), the logger prints JSON. */
export const LOG_FORMAT = Symbol('LOG_FORMAT');

/**
 * Nest's own start-up lines (modules initialised, routes mapped, application started): in a
 * person's terminal they bury the lines that matter, so the readable format leaves them out.
 */
const NEST_STARTUP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

const isNestStartupContext = (detail: unknown) =>
  typeof detail === 'string' && NEST_STARTUP_CONTEXTS.has(detail);

/**
 * The service's one logger, used by our code (`warn('…', { preset, outcome })`) and by Nest
 * itself (`warn('…', 'RoutesResolver')`): structured JSON lines through Powertools, as
 * Lambda prints them; or, for a local server in the `text` format, the same lines rendered
 * readable, without Nest's start-up lines.
 */
@Injectable()
export class AppLogger implements LoggerService {
  private readonly logger: PowertoolsLogger;

  constructor(@Optional() @Inject(LOG_FORMAT) private readonly format: LogFormat = 'json') {
    this.logger =
      format === 'text'
        ? new ReadableLogger({ serviceName: METRICS_SERVICE })
        : new PowertoolsLogger({ serviceName: METRICS_SERVICE });
  }

  /** The invocation whose context the lines carry. */
  private requestId?: string;

  /**
   * Every line from now on carries this invocation's request id, function and cold-start
   * flag (true in this logger's first invocation only), until the next invocation's. The
   * same invocation again changes nothing.
   */
  setInvocation(context: Partial<Context>): void {
    if (context.awsRequestId !== undefined && context.awsRequestId === this.requestId) return;
    this.requestId = context.awsRequestId;
    // Powertools reads the fields it knows; a test's context may hold only a request id.
    this.logger.addContext(context as Context);
  }

  log(message: unknown, ...details: unknown[]): void {
    if (this.format === 'text' && details.some(isNestStartupContext)) return;
    this.logger.info(String(message), toFields(details));
  }

  info(message: string, fields?: LogFields): void {
    this.logger.info(message, toFields([fields]));
  }

  warn(message: unknown, ...details: unknown[]): void {
    this.logger.warn(String(message), toFields(details));
  }

  error(message: unknown, ...details: unknown[]): void {
    this.logger.error(String(message), toFields(details));
  }

  debug(message: unknown, ...details: unknown[]): void {
    this.logger.debug(String(message), toFields(details));
  }

  verbose(message: unknown, ...details: unknown[]): void {
    this.logger.debug(String(message), toFields(details));
  }
}

/**
 * Powertools Logger printing each line as one readable line (`readableLogLine`) of exactly
 * what its JSON would hold; warnings and errors on stderr, as Powertools prints them.
 */
class ReadableLogger extends PowertoolsLogger {
  protected override printLog(logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    // Through the JSON logger's own serialisation: the same fields, errors formatted alike.
    const printed = JSON.parse(JSON.stringify(log.getAttributes(), this.getJsonReplacer())) as PrintedLogLine;
    const stream = logLevel >= LogLevelThreshold.WARN ? process.stderr : process.stdout;
    stream.write(`${readableLogLine(printed, { colour: stream.isTTY && stream.hasColors() })}\n`);
  }
}

/** Nest passes a context string (and sometimes a stack); our code passes one fields object. */
function toFields(details: unknown[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const detail of details) {
    if (detail === undefined) continue;
    if (detail instanceof Error) fields.error = { name: detail.name, message: detail.message };
    else if (typeof detail === 'object' && detail !== null) Object.assign(fields, detail);
    else if (typeof detail === 'string' && detail.includes('\n    at ')) fields.stack = detail;
    else if (typeof detail === 'string') fields.context = detail;
  }
  return fields;
}

/** What an error was, for a log line: its name and message, never its stack or payload. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'NonError', message: String(error) };
}
