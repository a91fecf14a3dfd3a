import { ArgumentsHost, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppLogger } from '../logging/app-logger';
import { strictMock } from '../testing/strict-mock';
import type { StatusPage } from './page/status-page';
import { StatusErrorFilter } from './status-error.filter';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

type Sent = { as: 'json' | 'html'; body: unknown };

/** A response (`mock`) that records what the filter set, and what it sent, once it sends. */
function fakeResponse() {
  let sendBody: (sent: Sent) => void = () => undefined;
  const mock: Response = strictMock<Response>('Response', {
    status: (code) => {
      fake.statusCode = code;
      return mock;
    },
    setHeader: (name, value) => {
      fake.headers[name] = String(value);
      return mock;
    },
    json: (body) => {
      sendBody({ as: 'json', body });
      return mock;
    },
    send: (body) => {
      sendBody({ as: 'html', body });
      return mock;
    },
  });
  const fake = {
    mock,
    statusCode: 0,
    headers: {} as Record<string, string>,
    sent: new Promise<Sent>((resolve) => (sendBody = resolve)),
  };
  return fake;
}

function host(request: Partial<Request>, response: Response): ArgumentsHost {
  return strictMock<ArgumentsHost>('ArgumentsHost', {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  });
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
      const statusPage = strictMock<StatusPage>('StatusPage');
      const response = fakeResponse();

      // Act
      new StatusErrorFilter(logger, statusPage).catch(
        new NotFoundException(),
        host({ headers: { accept: '*/*' }, query: {} }, response.mock),
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
      const statusPage = strictMock<StatusPage>('StatusPage');
      statusPage.renderError.mockResolvedValue('<!doctype html>…');
      const response = fakeResponse();

      // Act
      new StatusErrorFilter(logger, statusPage).catch(
        new ServiceUnavailableException('AMI state is temporarily unavailable'),
        host({ headers: { accept: BROWSER }, query: {} }, response.mock),
      );

      // Assess
      expect(await response.sent).toEqual({ as: 'html', body: '<!doctype html>…' });
      expect(statusPage.renderError).toHaveBeenCalledWith(
        response.mock,
        503,
        'AMI state is temporarily unavailable',
      );
    });

    it('falls back to the JSON, and logs why, when the error page cannot be rendered', async () => {
      // Prepare
      const statusPage = strictMock<StatusPage>('StatusPage');
      statusPage.renderError.mockRejectedValue(new Error('template broken'));
      const response = fakeResponse();

      // Act
      new StatusErrorFilter(logger, statusPage).catch(
        new NotFoundException(),
        host({ headers: { accept: BROWSER }, query: { format: 'html' } }, response.mock),
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
