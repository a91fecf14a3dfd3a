import { ArgumentsHost, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppLogger } from '../logging/app-logger';
import type { StatusPage } from './page/status-page';
import { StatusErrorFilter } from './status-error.filter';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** A response that records what the filter set, and what it sent, once it sends. */
function fakeResponse() {
  let sendBody: (sent: { as: 'json' | 'html'; body: unknown }) => void = () => undefined;
  const response = {
    statusCode: 0,
    headers: {} as Record<string, string>,
    sent: new Promise<{ as: 'json' | 'html'; body: unknown }>((resolve) => (sendBody = resolve)),
    status(code: number) {
      response.statusCode = code;
      return response;
    },
    setHeader(name: string, value: string) {
      response.headers[name] = value;
      return response;
    },
    json: (body: unknown) => sendBody({ as: 'json', body }),
    send: (body: unknown) => sendBody({ as: 'html', body }),
  };
  return response;
}

function host(request: Partial<Request>, response: ReturnType<typeof fakeResponse>): ArgumentsHost {
  return {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response as unknown as Response }),
  } as ArgumentsHost;
}

describe(StatusErrorFilter.name, () => {
  describe('catch', () => {
    const logger = new AppLogger();
    let error: jest.SpyInstance;

    beforeEach(() => {
      error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    });

    it('answers JSON to a client that does not prefer HTML, with Vary and nosniff', async () => {
      // Prepare
      const statusPage = { renderError: jest.fn() };
      const response = fakeResponse();

      // Act
      new StatusErrorFilter(logger, statusPage as unknown as StatusPage).catch(
        new NotFoundException(),
        host({ headers: { accept: '*/*' }, query: {} }, response),
      );

      // Assess
      expect(await response.sent).toEqual({ as: 'json', body: { status: 'error', message: 'Not found' } });
      expect(response.statusCode).toBe(404);
      expect(response.headers).toEqual({
        'Cache-Control': 'no-store',
        Vary: 'Accept',
        'X-Content-Type-Options': 'nosniff',
      });
      expect(statusPage.renderError).not.toHaveBeenCalled();
    });

    it('answers a browser with the error page, carrying the same message', async () => {
      // Prepare
      const statusPage = { renderError: jest.fn().mockResolvedValue('<!doctype html>…') };
      const response = fakeResponse();

      // Act
      new StatusErrorFilter(logger, statusPage as unknown as StatusPage).catch(
        new ServiceUnavailableException('AMI state is temporarily unavailable'),
        host({ headers: { accept: BROWSER }, query: {} }, response),
      );

      // Assess
      expect(await response.sent).toEqual({ as: 'html', body: '<!doctype html>…' });
      expect(statusPage.renderError).toHaveBeenCalledWith(
        response,
        503,
        'AMI state is temporarily unavailable',
      );
    });

    it('falls back to the JSON, and logs why, when the error page cannot be rendered', async () => {
      // Prepare
      const statusPage = { renderError: jest.fn().mockRejectedValue(new Error('template broken')) };
      const response = fakeResponse();

      // Act
      new StatusErrorFilter(logger, statusPage as unknown as StatusPage).catch(
        new NotFoundException(),
        host({ headers: { accept: BROWSER }, query: { format: 'html' } }, response),
      );

      // Assess
      expect(await response.sent).toEqual({ as: 'json', body: { status: 'error', message: 'Not found' } });
      expect(response.statusCode).toBe(404);
      expect(error).toHaveBeenCalledWith(
        'The error page could not be rendered; answering JSON',
        expect.objectContaining({ outcome: 'internal-error' }),
      );
    });
  });
});
