import { createHash } from 'node:crypto';
import { Eta } from 'eta/core';
import type { StatusReport } from '../contract/status.schema';
import { ERROR_PAGE_TEMPLATE, STATUS_PAGE_TEMPLATE, STYLESHEET } from './status-page.template';
import { StatusPageModel, statusPageModel } from './status-page-model';

/**
 * The HTML side of GET /status, loaded only for a request that gets HTML
 * (StatusPage imports it on first use): the template engine and the templates stay out of
 * the JSON path's start-up. Loading this module compiles both templates, once per container.
 */

/** `eta/core`: the engine without its file loading; autoEscape HTML-escapes every `<%= %>`. */
const eta = new Eta({ autoEscape: true, useWith: false });
const statusPage = eta.compile(STATUS_PAGE_TEMPLATE);
const errorPage = eta.compile(ERROR_PAGE_TEMPLATE);

/**
 * Nothing but the one inline stylesheet, allowed by its hash: no script, font, image, frame
 * or stylesheet from anywhere, no form, and the page may not be framed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLESHEET, 'utf8').digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function renderStatusPage(report: StatusReport, now: Date): string {
  return eta.render<StatusPageModel>(statusPage, statusPageModel(report, now));
}

const ERROR_TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  404: 'Not found',
  503: 'Unavailable',
};

export function renderErrorPage(statusCode: number, message: string): string {
  return eta.render(errorPage, {
    statusCode,
    title: ERROR_TITLES[statusCode] ?? 'Error',
    message,
    // A 503 is temporary: the page tries again as the status page would.
    refresh: statusCode >= 500,
  });
}
