import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { Clock } from '../../common/clock';
import type { StatusReport } from '../contract/status.schema';

type StatusPageView = typeof import('./status-page.view.js');

/**
 * The HTML answers of GET /status: the page, and the 503 and 404 for a browser. The view
 * (the template engine and the templates) is imported on the first HTML request only, so
 * the JSON path never loads it.
 */
@Injectable()
export class StatusPage {
  private view: Promise<StatusPageView> | undefined;

  constructor(private readonly clock: Clock) {}

  /** Sets the page's headers on `response` and returns its body. */
  async render(response: Response, report: StatusReport): Promise<string> {
    const view = await this.loadView();
    const html = view.renderStatusPage(report, this.clock.now());
    setHtmlHeaders(response, view.CONTENT_SECURITY_POLICY);
    return html;
  }

  /** The same for an error answer, with the message the JSON would carry. */
  async renderError(response: Response, statusCode: number, message: string): Promise<string> {
    const view = await this.loadView();
    const html = view.renderErrorPage(statusCode, message);
    setHtmlHeaders(response, view.CONTENT_SECURITY_POLICY);
    return html;
  }

  private loadView(): Promise<StatusPageView> {
    this.view ??= import('./status-page.view.js').catch((error: unknown) => {
      this.view = undefined; // the next HTML request tries again
      throw error;
    });
    return this.view;
  }
}

function setHtmlHeaders(response: Response, contentSecurityPolicy: string): void {
  response.setHeader('Content-Type', 'text/html; charset=utf-8');
  response.setHeader('Content-Security-Policy', contentSecurityPolicy);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
}
