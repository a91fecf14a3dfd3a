import type { StatusReport } from '../src/status/contract/status.schema';
import { amiRecord, LocalDynamoDb, startLocalDynamoDb } from './support/local-dynamodb';
import { StatusApp, startStatusApp } from './support/status-app';
import { getChecked } from './support/status-contract';
import { aPresetStatus } from '../src/testing/preset-status.fixture';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

/** What Chrome sends when it navigates to a page. */
const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';
const CSP =
  /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]{43}='; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/;

/**
 * Content negotiation on GET /status over HTTP (the real app, DynamoDB on dynalite): who
 * gets the page, who gets the JSON, and the headers of each. The page in a real browser is
 * test/status-page-browser.e2e-spec.ts.
 */
describe('GET /status for people and for programs (content negotiation)', () => {
  let dynamoDb: LocalDynamoDb;
  let tableName: string;
  let statusApp: StatusApp;

  beforeAll(async () => {
    dynamoDb = await startLocalDynamoDb();
  });

  afterAll(async () => {
    await dynamoDb.stop();
  });

  beforeEach(async () => {
    tableName = await dynamoDb.createStateTable();
    await dynamoDb.put(
      tableName,
      amiRecord('linux-x64', { status: 'ready', amiId: 'ami-0a1b2c3d4e5f60001', updatedAt: hoursAgo(2) }),
    );
    statusApp = await startStatusApp({ stateTableName: tableName }, NOW);
  });

  afterEach(async () => {
    await statusApp.app.close();
  });

  /** GET `path`; the JSON answers are checked against the contract, the pages are not JSON. */
  const get = (path: string, accept?: string) => {
    const call = getChecked(statusApp.app, path);
    return accept === undefined ? call : call.set('Accept', accept);
  };

  describe('the JSON, as before', () => {
    it.each([
      ['no Accept header', '/status', undefined],
      ["curl's */*", '/status', '*/*'],
      ['application/json', '/status', 'application/json'],
      ['text/html below JSON', '/status', 'text/html;q=0.9, application/json'],
      ['?format=json from a browser', '/status?format=json', BROWSER_ACCEPT],
      ['an unknown format, with */*', '/status?format=xml', '*/*'],
    ])('%s → the JSON, byte for byte as Express writes the report', async (_, path, accept) => {
      // Act
      const response = await get(path, accept).expect(200);

      // Assess
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.headers['vary']).toBe('Accept');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toBeUndefined();
      expect(response.text).toBe(JSON.stringify(response.body));
      expect((response.body as StatusReport).presets).toEqual([
        aPresetStatus({
          name: 'linux-x64',
          status: 'ready',
          amiId: 'ami-0a1b2c3d4e5f60001',
          updatedAt: hoursAgo(2),
          pipeline: { status: 'ENABLED', lastRunAt: null, nextRunAt: null },
        }),
      ]);
    });

    it('is the same bytes for every client that gets JSON', async () => {
      const bodies = await Promise.all(
        [undefined, '*/*', 'application/json'].map(async (accept) => (await get('/status', accept)).text),
      );

      expect(new Set(bodies).size).toBe(1);
    });
  });

  describe('the page', () => {
    it.each([
      ["a browser's Accept", '/status', BROWSER_ACCEPT],
      ['text/html', '/status', 'text/html'],
      ['?format=html with curl', '/status?format=html', '*/*'],
      ['?format=html without an Accept header', '/status?format=html', undefined],
      ['an unknown format, from a browser', '/status?format=xml', BROWSER_ACCEPT],
    ])('%s → the HTML page with its security headers', async (_, path, accept) => {
      // Act
      const response = await get(path, accept).expect(200);

      // Assess
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['vary']).toBe('Accept');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toMatch(CSP);
      expect(response.text).toMatch(/^<!doctype html>/);
      expect(response.text).toContain('<th scope="row" role="rowheader">linux-x64</th>');
      expect(response.text).toContain('<span class="age">2 h ago</span>');
    });
  });

  describe('the errors follow the same rule', () => {
    it.each([
      ['a browser', 'text/html; charset=utf-8', BROWSER_ACCEPT],
      ['curl', 'application/json; charset=utf-8', '*/*'],
    ])('an unknown route from %s → 404 as %s', async (_, contentType, accept) => {
      const response = await get('/nowhere', accept).expect(404);

      expect(response.headers['content-type']).toBe(contentType);
      expect(response.headers['vary']).toBe('Accept');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      if (contentType.startsWith('text/html')) {
        expect(response.headers['content-security-policy']).toMatch(CSP);
        expect(response.text).toContain('<h1>Not found</h1>');
      } else {
        expect(response.body).toEqual({ status: 'error', message: 'Not found' });
      }
    });

    it.each([
      ['a browser', 'text/html; charset=utf-8', '/status', BROWSER_ACCEPT],
      ['?format=html', 'text/html; charset=utf-8', '/status?format=html', '*/*'],
      ['curl', 'application/json; charset=utf-8', '/status', '*/*'],
      [
        '?format=json from a browser',
        'application/json; charset=utf-8',
        '/status?format=json',
        BROWSER_ACCEPT,
      ],
    ])('the state table unreadable, from %s → 503 as %s', async (_, contentType, path, accept) => {
      // Prepare
      await statusApp.app.close();
      statusApp = await startStatusApp({ stateTableName: 'table-that-does-not-exist' }, NOW);

      // Act
      const response = await get(path, accept).expect(503);

      // Assess
      expect(response.headers['content-type']).toBe(contentType);
      expect(response.headers['vary']).toBe('Accept');
      expect(response.text).not.toMatch(/table-that-does-not-exist|ResourceNotFound|\.js:\d+/);
      if (contentType.startsWith('text/html')) {
        expect(response.headers['content-security-policy']).toMatch(CSP);
        expect(response.text).toContain('<h1>AMI state is temporarily unavailable</h1>');
      } else {
        expect(response.body).toEqual({ status: 'error', message: 'AMI state is temporarily unavailable' });
      }
    });
  });
});
