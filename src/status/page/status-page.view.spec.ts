import { createHash } from 'node:crypto';
import { readiness } from '../../github/github-readiness';
import { aPresetStatus } from '../../testing/preset-status.fixture';
import type { StatusReport } from '../contract/status.schema';
import { CONTENT_SECURITY_POLICY, renderErrorPage, renderStatusPage } from './status-page.view';
import { ERROR_PAGE_TEMPLATE, STATUS_PAGE_TEMPLATE, STYLESHEET } from './status-page.template';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const XSS = '<img src=x onerror=alert(1)>';

const report = (fields: Partial<StatusReport> = {}): StatusReport => ({
  status: 'degraded',
  message: `1 preset ready, 1 preset invalid`,
  configuration: { privateKeyConfigured: true },
  github: readiness(true, 'connected', 'spot-runner').github,
  runners: { pending: 1, provisioning: 0, running: 2 },
  recentActivity: {
    lastHour: { completed: 2, failed: 1, timeout: 0, interrupted: 0 },
    last24Hours: { completed: 3, failed: 2, timeout: 0, interrupted: 0 },
  },
  queue: { oldestPendingAgeSeconds: 60, oldestProvisioningAgeSeconds: null },
  findings: [],
  presets: [
    aPresetStatus({ name: XSS, status: 'invalid', amiId: null, updatedAt: `"><script>alert(2)</script>` }),
    aPresetStatus({
      name: 'linux-x64',
      status: 'ready',
      amiId: 'ami-0a1b2c3d4e5f60001',
      updatedAt: NOW.toISOString(),
    }),
  ],
  reconciliation: { presets: [] },
  ...fields,
});

describe('the status page view', () => {
  describe('escaping', () => {
    it('prints every value through the escaping tag: the templates never use the raw one', () => {
      for (const template of [STATUS_PAGE_TEMPLATE, ERROR_PAGE_TEMPLATE]) {
        expect(template).not.toContain('<%~');
        expect(template).toContain('<%=');
      }
    });

    it('renders markup in values as text, in element content and in attributes', () => {
      // Act
      const html = renderStatusPage(report({ message: `${XSS} & 'quotes'` }), NOW);

      // Assess
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<script');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(html).toContain('&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &#39;quotes&#39;');
    });

    it('escapes the message of an error page', () => {
      const html = renderErrorPage(503, XSS);

      expect(html).not.toContain('<img');
      expect(html).toContain('<h1>&lt;img src=x onerror=alert(1)&gt;</h1>');
    });
  });

  describe('the Content-Security-Policy', () => {
    const styleHash = `'sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}'`;

    it('allows nothing but the one inline stylesheet, by its hash, and no framing', () => {
      expect(CONTENT_SECURITY_POLICY).toBe(
        `default-src 'none'; style-src ${styleHash}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      );
    });

    it.each([
      ['the status page', renderStatusPage(report(), NOW)],
      ['an error page', renderErrorPage(404, 'Not found')],
    ])('%s carries exactly that stylesheet, and no script, link, image or other style', (_, html) => {
      expect(html.match(/<style>([\s\S]*?)<\/style>/g)).toEqual([`<style>${STYLESHEET}</style>`]);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|style="|javascript:/i);
    });
  });

  describe('the page', () => {
    it('refreshes itself every 60 s and is one document in UTF-8', () => {
      const html = renderStatusPage(report(), NOW);

      expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(html).toContain('<meta charset="utf-8">');
      expect(html).toContain('<meta http-equiv="refresh" content="60">');
    });

    it('says so when there are no presets, and leaves out the runner tables without counts', () => {
      const html = renderStatusPage(
        report({ presets: [], runners: null, recentActivity: null, message: 'No presets found' }),
        NOW,
      );

      expect(html).toMatch(/<td colspan="5"[^>]*>No presets found\.<\/td>/);
      expect(html).toContain('The runner counts are unavailable right now.');
      expect(html).toContain('The job counts are unavailable right now.');
      expect(html).not.toContain('<caption>Runners now, by state</caption>');
    });

    it.each([
      [503, 'Unavailable', true],
      [404, 'Not found', false],
    ])('an error page for %s is titled %s; it refreshes: %s', (statusCode, title, refreshes) => {
      const html = renderErrorPage(statusCode, 'message');

      expect(html).toContain(`<title>${title}: spot-runner status</title>`);
      expect(html.includes('http-equiv="refresh"')).toBe(refreshes);
    });
  });
});
