import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  NotFoundException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppLogger, describeError } from '../logging/app-logger';
import { prefersHtml } from './page/negotiation';
import { StatusPage } from './page/status-page';

/**
 * Every error answers `{ status: "error", message }`: the message of an HttpException we
 * threw on purpose, or a generic one. Stacks and SDK messages only ever reach the logs. A
 * browser gets the same message as a page, by the rule GET /status answers by.
 */
@Catch()
export class StatusErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: AppLogger,
    private readonly statusPage: StatusPage,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
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
    response
      .status(statusCode)
      .setHeader('Cache-Control', 'no-store')
      .setHeader('Vary', 'Accept')
      .setHeader('X-Content-Type-Options', 'nosniff');
    const json = { status: 'error', message };
    if (!prefersHtml(request.headers.accept, request.query.format)) {
      response.json(json);
      return;
    }
    void this.statusPage.renderError(response, statusCode, message).then(
      (html) => response.send(html),
      (error: unknown) => {
        this.logger.error('The error page could not be rendered; answering JSON', {
          outcome: 'internal-error',
          error: describeError(error),
        });
        response.json(json);
      },
    );
  }
}

function publicMessage(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  return typeof message === 'string' ? message : exception.message;
}
