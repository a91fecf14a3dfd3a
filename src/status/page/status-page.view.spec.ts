import { createHash } from 'node:crypto';
import { readiness } from '../../github/github-readiness';
import { finding } from '../../readiness/findings';
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

    it('renders a finding whose summary carries markup and a redacted <arn> as text', () => {
      // Prepare
      const failed = finding('preset-failed', 'linux-x64', { reason: `${XSS} in <arn>` });

      // Act
      const html = renderStatusPage(report({ findings: [failed] }), NOW);

      // Assess
      expect(html).not.toContain('<img');
      expect(html).toContain(
        '<span class="summary">The preset’s last build failed: &lt;img src=x onerror=alert(1)&gt; in &lt;arn&gt;</span>',
      );
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

      expect(html).toMatch(/<td colspan="8"[^>]*>No presets found\.<\/td>/);
      expect(html).toContain('The runner counts are unavailable right now.');
      expect(html).toContain('The job counts are unavailable right now.');
      expect(html).not.toContain('<caption>Runners now, by state</caption>');
    });

    it('opens with what needs attention: one list item per finding, in order, with its badge and action', () => {
      // Prepare
      const findings = [
        finding('preset-invalid', XSS),
        finding('ami-old', 'linux-x64', { days: 40 }),
        finding('event-lost-healed', 'linux-x64', { healCount: 1, lastHealedAt: NOW.toISOString() }),
      ];

      // Act
      const html = renderStatusPage(report({ findings }), NOW);

      // Assess
      const section = html.slice(html.indexOf('<section aria-labelledby="attention">'));
      expect(html.indexOf('<h2 id="attention">Needs attention</h2>')).toBeLessThan(
        html.indexOf('<h2 id="presets">'),
      );
      expect(
        [
          ...section.matchAll(
            /<li class="finding" data-tone="(\w+)">\n<p><span class="badge" data-tone="\1">(\w+)<\/span>/g,
          ),
        ].map((m) => m[2]),
      ).toEqual(['Critical', 'Warning', 'Info']);
      expect(section).toContain('<strong class="subject">&lt;img src=x onerror=alert(1)&gt;</strong>');
      expect(section).toContain(
        '<p class="action">What to do: Run the preset’s pipeline, or check its schedule.</p>',
      );
    });

    it('says so when nothing needs attention', () => {
      const html = renderStatusPage(report({ findings: [] }), NOW);

      expect(html).toContain('<p>Nothing needs attention: no check found a problem.</p>');
      expect(html).not.toContain('<ol class="findings">');
    });

    it('shows a checked pipeline with its runs, the AMI age and the last heal in the preset row', () => {
      // Prepare
      const preset = aPresetStatus({
        name: 'linux-x64',
        status: 'ready',
        amiId: 'ami-0a1b2c3d4e5f60001',
        updatedAt: NOW.toISOString(),
        amiCreatedAt: '2026-11-11T12:00:00.000Z',
        pipeline: { status: 'ENABLED', lastRunAt: '2026-11-23T10:00:00.000Z', nextRunAt: null },
        healCount: 2,
        lastHealedAt: '2026-11-23T09:00:00.000Z',
      });

      // Act
      const html = renderStatusPage(report({ presets: [preset] }), NOW);

      // Assess
      expect(html).toContain(
        '<td role="cell" data-label="AMI age"><span><time datetime="2026-11-11T12:00:00.000Z">12 d</time></span></td>',
      );
      expect(html).toContain(
        '<td role="cell" data-label="Pipeline"><span><span class="badge" data-tone="good">Enabled</span>' +
          '<span class="detail">Last run: <time datetime="2026-11-23T10:00:00.000Z" title="2026-11-23 10:00 UTC">2 h ago</time></span>' +
          '<span class="detail">Next run: not scheduled</span></span></td>',
      );
      expect(html).toContain(
        '<td role="cell" data-label="Last heal"><span><time datetime="2026-11-23T09:00:00.000Z" title="2026-11-23 09:00 UTC">3 h ago</time><span class="detail">2 heals in all</span></span></td>',
      );
    });

    it('says Unknown, — and Never for a pipeline not checked, an AMI of unknown age and a preset never healed', () => {
      const html = renderStatusPage(report(), NOW);

      expect(html).toContain('<td role="cell" data-label="Pipeline"><span>Unknown</span></td>');
      expect(html).toContain('<td role="cell" data-label="AMI age"><span>—</span></td>');
      expect(html).toContain('<td role="cell" data-label="Last heal"><span>Never</span></td>');
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
