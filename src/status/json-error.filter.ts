import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  NotFoundException,
} from '@nestjs/common';
import type { Response } from 'express';
import { AppLogger, describeError } from '../logging/app-logger';

/**
 * Every error answers `{ status: "error", message }`: the message of an HttpException we
 * threw on purpose, or a generic one. Stacks and SDK messages only ever reach the logs.
 */
@Catch()
export class JsonErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: AppLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    let statusCode: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let message = 'Internal error';
    if (exception instanceof HttpException) {
      statusCode = exception.getStatus();
      message = exception instanceof NotFoundException ? 'Not found' : publicMessage(exception);
    } else {
      this.logger.error('Unhandled error while answering a request', {
        outcome: 'internal-error',
        error: describeError(exception),
      });
    }
    response.status(statusCode).setHeader('Cache-Control', 'no-store').json({ status: 'error', message });
  }
}

function publicMessage(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  return typeof message === 'string' ? message : exception.message;
}
