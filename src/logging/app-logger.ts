import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Injectable, LoggerService } from '@nestjs/common';
import type { Context } from 'aws-lambda';
import { METRICS_SERVICE } from '../common/service-name';

/** Fields an operator filters on in CloudWatch; never put secrets or config values here. */
export interface LogFields {
  preset?: string;
  outcome?: string;
  reason?: string;
  [field: string]: unknown;
}

/**
 * The service's one logger: structured JSON lines through Powertools, used by our code
 * (`warn('…', { preset, outcome })`) and by Nest itself (`warn('…', 'RoutesResolver')`).
 */
@Injectable()
export class AppLogger implements LoggerService {
  private readonly logger = new PowertoolsLogger({ serviceName: METRICS_SERVICE });

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
