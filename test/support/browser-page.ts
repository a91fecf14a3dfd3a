import type { APIGatewayProxyResult } from 'aws-lambda';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContextOptions, Page, Response } from 'playwright-core';

/** What Chrome sends for a page it navigates to. */
export const CHROME_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';

/** Everything a page did that a self-contained, script-free page under a strict CSP never does. */
export interface PageProblems {
  /** Console errors and warnings: Chromium reports each CSP violation there too. */
  console: string[];
  pageErrors: string[];
  /** `securitypolicyviolation` events: `<directive> <blocked URI>`. */
  cspViolations: string[];
  /** Any request but the document itself: no script, font, image or stylesheet. */
  subresourceRequests: string[];
  failedRequests: string[];
  dialogs: string[];
}

export interface OpenedPage {
  page: Page;
  response: Response;
  /** Settles the page's pending events first; not available with JavaScript off. */
  problems(): Promise<PageProblems>;
  close(): Promise<void>;
}

/** Collects the page's `securitypolicyviolation` events; runs before the document, whatever its CSP. */
const RECORD_CSP_VIOLATIONS = `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) =>
  window.__cspViolations.push(event.effectiveDirective + ' ' + event.blockedURI));`;

/** Opens `url` in a new context of `browser` (1280 px wide unless told), watching what it does. */
export async function openPage(
  browser: Browser,
  url: string,
  options: BrowserContextOptions = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const javaScript = options.javaScriptEnabled !== false;
  if (javaScript) await context.addInitScript({ content: RECORD_CSP_VIOLATIONS });
  const page = await context.newPage();
  const seen: Omit<PageProblems, 'cspViolations'> = {
    console: [],
    pageErrors: [],
    subresourceRequests: [],
    failedRequests: [],
    dialogs: [],
  };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') seen.console.push(message.text());
  });
  page.on('pageerror', (error) => seen.pageErrors.push(error.message));
  page.on('request', (request) => {
    if (request.url() !== url) seen.subresourceRequests.push(request.url());
  });
  page.on('requestfailed', (request) => seen.failedRequests.push(request.url()));
  page.on('dialog', (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  if (response === null) throw new Error(`No response for ${url}`);
  return {
    page,
    response,
    problems: async () => {
      if (!javaScript)
        throw new Error('The CSP violations are recorded by a script: open with JavaScript on');
      // A violation event is a task queued by the parser: let it run before reading the list.
      const cspViolations = await page.evaluate<string[]>(
        'new Promise((resolve) => setTimeout(() => resolve(window.__cspViolations), 0))',
      );
      return { ...seen, cspViolations };
    },
    close: () => context.close(),
  };
}

export const NO_PROBLEMS: PageProblems = {
  console: [],
  pageErrors: [],
  cspViolations: [],
  subresourceRequests: [],
  failedRequests: [],
  dialogs: [],
};

/**
 * A loopback server answering every request with a Lambda handler's result, its status and
 * headers included: the browser then enforces the CSP the handler sent, as behind API Gateway.
 */
export async function serveLambdaResult(
  result: APIGatewayProxyResult,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_, response) => {
    response.writeHead(result.statusCode, result.headers as Record<string, string>);
    response.end(result.body);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`,
    close: () =>
      new Promise<void>((closed) => {
        server.close(() => closed());
        server.closeAllConnections(); // the browser's keep-alive connection too
      }),
  };
}

/** Where the browser tests leave their screenshots (git-ignored). */
export function screenshotFile(name: string): string {
  const folder = resolve(__dirname, '../../test-output/status-page');
  mkdirSync(folder, { recursive: true });
  return join(folder, `${name}.png`);
}
