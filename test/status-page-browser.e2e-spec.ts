import type { INestApplication } from '@nestjs/common';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from '../local/chromium';
import { seedDemo } from '../local/demo';
import { httpApiEvent } from '../local/lambda/api-gateway-events';
import { LocalAws } from '../local/local-aws';
import { amiRecord } from '../local/local-dynamodb';
import { createApp } from '../src/bootstrap';
import {
  CHROME_ACCEPT,
  NO_PROBLEMS,
  OpenedPage,
  openPage,
  screenshotFile,
  serveLambdaResult,
} from './support/browser-page';
import { expectStatusAnswer, invokeStatusInColdProcess } from './support/status-contract';

/**
 * The status page in a real headless Chromium (Debian's package, or CHROMIUM_PATH), from the
 * local server `npm start` runs and from the production bundle's Lambda answer served with
 * its own headers, so the browser enforces the page's Content-Security-Policy. Screenshots
 * go to test-output/status-page/.
 */
jest.setTimeout(60_000);

const STATUS_BUNDLE = resolve(__dirname, '../dist/lambda/status/index.js');
const XSS = '<img src=x onerror=alert(1)>';
const CSP =
  /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]{43}='; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/;
const DEMO_PRESETS = ['linux-arm64', 'linux-x64', 'windows-x64'];

let browser: Browser;
/** What each test opened (pages, loopback servers), closed after it whether it passed or not. */
const toClose: (() => Promise<void>)[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async () => {
  for (const close of toClose.splice(0).reverse()) await close();
});

afterAll(async () => {
  await browser?.close();
});

/** Opens `url` in Chromium, closed after the test; a JSON answer would be checked against the contract. */
async function open(url: string, options?: BrowserContextOptions): Promise<OpenedPage> {
  const page = await openPage(browser, url, options);
  toClose.push(page.close);
  const { response } = page;
  expectStatusAnswer(response.status(), response.headers()['content-type'], await response.text());
  return page;
}

const text = async (page: Page, selector: string) => (await page.locator(selector).textContent())?.trim();
const texts = async (page: Page, selector: string) =>
  (await page.locator(selector).allTextContents()).map((content) => content.trim());
const presetsTable = 'section[aria-labelledby="presets"] tbody';
const attention = 'section[aria-labelledby="attention"]';

/** What the demo's page says once linux-arm64 is healed (local/demo.ts). */
async function expectTheDemoPage(page: Page): Promise<void> {
  expect(await text(page, 'header .badge')).toBe('Building');
  await expectTheDemoFindings(page);
  expect(await text(page, 'header h1')).toBe('Presets are building; nothing has failed');
  expect(await text(page, 'header .message')).toBe(
    '2 presets ready, 1 preset building, 2 runners running, 1 runner pending',
  );
  expect(await texts(page, `${presetsTable} tr th[scope="row"]`)).toEqual(DEMO_PRESETS);
  expect(await texts(page, `${presetsTable} tr td[data-label="Status"] .badge`)).toEqual([
    'Ready',
    'Ready',
    'Building',
  ]);
  expect(await texts(page, `${presetsTable} tr td[data-label="AMI id"]`)).toEqual([
    'ami-0a1b2c3d4e5f60002',
    'ami-0a1b2c3d4e5f60001',
    'None',
  ]);
  expect(await texts(page, `${presetsTable} tr .age`)).toEqual(['just now', '40 d ago', '5 min ago']);
  expect(await texts(page, `${presetsTable} tr td[data-label="AMI age"]`)).toEqual(['1 h', '40 d', '—']);
  expect(await page.locator(`${presetsTable} tr td[data-label="Pipeline"]`).allInnerTexts()).toEqual([
    'Enabled\nLast run: 1 h ago\nNext run: not scheduled',
    'Enabled\nLast run: 40 d ago\nNext run: not scheduled',
    'Enabled\nLast run: 5 min ago\nNext run: not scheduled',
  ]);
  expect(await page.locator(`${presetsTable} tr td[data-label="Last heal"]`).allInnerTexts()).toEqual([
    'just now\n1 heal in all',
    'Never',
    'Never',
  ]);
  expect(await texts(page, 'section[aria-labelledby="github"] dd')).toEqual([
    'Connected GitHub App authenticated',
    'spot-runner-local',
    'Stored',
  ]);
  expect(await texts(page, 'section[aria-labelledby="runners"] tbody tr')).toEqual([
    'Running2',
    'Provisioning0',
    'Pending1',
  ]);
}

/** The demo's findings first, most urgent first, each with its severity in words. */
async function expectTheDemoFindings(page: Page): Promise<void> {
  expect((await texts(page, 'main h2'))[0]).toBe('Needs attention');
  expect(await texts(page, `${attention} li .badge`)).toEqual(['Warning', 'Info']);
  expect(await texts(page, `${attention} li .subject`)).toEqual(['linux-x64', 'linux-arm64']);
  expect(await texts(page, `${attention} li .summary`)).toEqual([
    'The preset’s AMI was built 40 days ago; the runner in it may be too old for GitHub to assign jobs to.',
    expect.stringMatching(
      /^The preset was healed at \S+ \(1 heal in all\): an Image Builder event was lost\.$/,
    ),
  ]);
  expect(await texts(page, `${attention} li .action`)).toEqual([
    'What to do: Run the preset’s pipeline, or check its schedule.',
    'What to do: Check the EventBridge rule to the AMI update function and its dead-letter queue.',
  ]);
}

/** The first request heals linux-arm64: the page says so, in plain words. */
async function expectTheHealing(page: Page): Promise<void> {
  expect(await texts(page, 'section[aria-labelledby="reconciliation"] tbody tr th')).toEqual(['linux-arm64']);
  expect(await texts(page, 'section[aria-labelledby="reconciliation"] tbody tr td')).toEqual([
    'Corrected',
    'Was stuck building although its newest image is available: now ready. Runner config: set to the AMI.',
  ]);
}

/** The inline stylesheet applied: `main` is 72rem at most. */
const mainMaxWidth = (page: Page) =>
  page.evaluate<string>("getComputedStyle(document.querySelector('main')).maxWidth");

describe('the status page in Chromium, from the local server (npm start)', () => {
  let localAws: LocalAws;
  let app: INestApplication;
  let statusUrl: string;

  beforeAll(async () => {
    // What local/start.ts does, on a free port.
    localAws = await LocalAws.start();
    await seedDemo(localAws, new Date());
    Object.assign(process.env, localAws.environment());
    app = await createApp();
    await app.listen(0, '127.0.0.1');
    statusUrl = `${await app.getUrl()}/status`;
  });

  afterAll(async () => {
    await app?.close();
    await localAws?.stop();
  });

  it('a browser gets the page: the banner, what needs attention, one row per preset with its badge, the healing, GitHub and the runners', async () => {
    // Act
    const opened = await open(statusUrl);

    // Assess
    const { page, response } = opened;
    expect(response.status()).toBe(200);
    expect(response.headers()).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': expect.stringMatching(CSP),
      'x-content-type-options': 'nosniff',
      vary: 'Accept',
      'cache-control': 'no-store',
    });
    await expectTheDemoPage(page);
    await expectTheHealing(page);
    expect(await mainMaxWidth(page)).toBe('1152px');
    expect(await opened.problems()).toEqual(NO_PROBLEMS);
    await page.screenshot({ path: screenshotFile('local-server-1280'), fullPage: true });
  });

  it('at 320 px wide the page fits the screen: nothing to scroll sideways', async () => {
    const opened = await open(statusUrl, { viewport: { width: 320, height: 640 } });

    expect(await opened.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      320,
    );
    expect(await texts(opened.page, `${presetsTable} tr th[scope="row"]`)).toEqual(DEMO_PRESETS);
    expect(await opened.problems()).toEqual(NO_PROBLEMS);
    await opened.page.screenshot({ path: screenshotFile('local-server-320'), fullPage: true });
  });

  it('reads the same without JavaScript: the page has no script', async () => {
    const opened = await open(statusUrl, { javaScriptEnabled: false });

    expect(await text(opened.page, 'header h1')).toBe('Presets are building; nothing has failed');
    expect(await texts(opened.page, `${presetsTable} tr th[scope="row"]`)).toEqual(DEMO_PRESETS);
    expect(await opened.page.locator('script').count()).toBe(0);
  });

  it(`a preset named ${XSS} is shown as text: no img element, no alert`, async () => {
    // Prepare
    await localAws.putItem(amiRecord(XSS, { status: 'ready', updatedAt: new Date().toISOString() }));

    // Act
    const opened = await open(statusUrl);

    // Assess
    const { page } = opened;
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.getByRole('rowheader', { name: XSS, exact: true }).isVisible()).toBe(true);
    expect(await texts(page, `${presetsTable} tr th[scope="row"]`)).toEqual([XSS, ...DEMO_PRESETS]);
    expect(await texts(page, `${presetsTable} tr td[data-label="Status"] .badge`)).toEqual([
      'Invalid record',
      'Ready',
      'Ready',
      'Building',
    ]);
    expect(await text(page, 'header .badge')).toBe('Degraded');
    expect(await opened.response.text()).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // No dialog among them: the markup is escaped (and the CSP would refuse an inline handler too).
    expect(await opened.problems()).toEqual(NO_PROBLEMS);
    await page.screenshot({ path: screenshotFile('local-server-xss'), fullPage: true });
  });

  it('a failed build whose reason holds markup is listed as text in Needs attention: no img element, no alert', async () => {
    // Prepare
    await localAws.putItem(
      amiRecord('macos-arm64', {
        status: 'failed',
        updatedAt: new Date().toISOString(),
        errorMessage: `Build step failed: ${XSS} in arn:aws:imagebuilder:eu-west-1:123456789012:image/macos/1.0.0/1`,
      }),
    );

    // Act
    const opened = await open(statusUrl);

    // Assess
    const { page } = opened;
    const failed = page.locator(`${attention} li`, { hasText: 'The preset’s last build failed' });
    expect(await failed.locator('.badge').textContent()).toBe('Critical');
    expect(await failed.locator('.summary').textContent()).toBe(
      `The preset’s last build failed: Build step failed: ${XSS} in <arn>`,
    );
    expect(await page.locator('img').count()).toBe(0);
    expect(await opened.response.text()).toContain('&lt;img src=x onerror=alert(1)&gt; in &lt;arn&gt;');
    expect(await opened.problems()).toEqual(NO_PROBLEMS);
  });
});

describe('the status page in Chromium, from the production bundle (dist/lambda/status/index.js)', () => {
  let localAws: LocalAws;

  beforeAll(async () => {
    if (!existsSync(STATUS_BUNDLE))
      throw new Error(`${STATUS_BUNDLE} is missing: run npm run build (npm test does)`);
    localAws = await LocalAws.start();
    await seedDemo(localAws, new Date());
  });

  afterAll(async () => {
    await localAws?.stop();
  });

  /** One cold invocation of the bundle with an HTTP API (v2) event from a browser. */
  async function invokeFromABrowser(
    path: string,
    tableName = localAws.tableName,
  ): Promise<APIGatewayProxyResult> {
    const { results } = await invokeStatusInColdProcess(
      STATUS_BUNDLE,
      httpApiEvent(path, { accept: CHROME_ACCEPT }),
      1,
      localAws.lambdaEnvironment(tableName),
    );
    return results[0];
  }

  /** Serves `result` with its own headers and opens it in Chromium. */
  async function openServed(result: APIGatewayProxyResult): Promise<OpenedPage> {
    const server = await serveLambdaResult(result);
    toClose.push(server.close);
    return open(server.url);
  }

  it('answers a browser with the page; Chromium applies its CSP and finds nothing it refuses', async () => {
    // Act
    const result = await invokeFromABrowser('/status');
    const opened = await openServed(result);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': expect.stringMatching(CSP),
      'x-content-type-options': 'nosniff',
      vary: 'Accept',
    });
    expect(result.isBase64Encoded).toBe(false);
    await expectTheDemoPage(opened.page);
    await expectTheHealing(opened.page);
    expect(await mainMaxWidth(opened.page)).toBe('1152px');
    expect(await opened.problems()).toEqual(NO_PROBLEMS);
    await opened.page.screenshot({ path: screenshotFile('lambda-bundle-1280'), fullPage: true });
  });

  it('says so when nothing needs attention: a ready preset, its runner config in step', async () => {
    // Prepare
    const tableName = await localAws.dynamoDb.createStateTable('spot-runner-state-all-well');
    await localAws.putReadyPreset(tableName, 'ubuntu-x64', 'ami-0a1b2c3d4e5f60009', new Date().toISOString());

    // Act
    const opened = await openServed(await invokeFromABrowser('/status', tableName));

    // Assess
    const { page } = opened;
    expect(await text(page, 'header .badge')).toBe('Ready');
    expect(await text(page, `${attention} h2`)).toBe('Needs attention');
    expect(await text(page, `${attention} p`)).toBe('Nothing needs attention: no check found a problem.');
    expect(await page.locator(`${attention} li`).count()).toBe(0);
    expect(await opened.problems()).toEqual(NO_PROBLEMS);
    await page.screenshot({ path: screenshotFile('lambda-bundle-all-well'), fullPage: true });
  });

  it.each([
    ['404', '/nowhere', undefined, 'Not found'],
    ['503', '/status', 'table-that-does-not-exist', 'AMI state is temporarily unavailable'],
  ])('answers its %s with a page too, under the same CSP', async (statusCode, path, tableName, message) => {
    const result = await invokeFromABrowser(path, tableName);
    const opened = await openServed(result);

    expect(result.statusCode).toBe(Number(statusCode));
    expect(result.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': expect.stringMatching(CSP),
      vary: 'Accept',
    });
    expect(await text(opened.page, 'h1')).toBe(message);
    // Chromium logs the document's own error status; nothing else may appear.
    expect(await opened.problems()).toEqual({
      ...NO_PROBLEMS,
      console: [
        `Failed to load resource: the server responded with a status of ${statusCode} (${
          statusCode === '404' ? 'Not Found' : 'Service Unavailable'
        })`,
      ],
    });
    await opened.page.screenshot({ path: screenshotFile(`lambda-bundle-${statusCode}`), fullPage: true });
  });

  it('the CSP is enforced: the same page with its stylesheet changed by one character is refused its style', async () => {
    // Prepare
    const result = await invokeFromABrowser('/status');
    const tampered = { ...result, body: result.body.replace('max-width: 72rem', 'max-width: 73rem') };
    expect(tampered.body).not.toBe(result.body);

    // Act
    const opened = await openServed(tampered);

    // Assess
    const problems = await opened.problems();
    expect(problems.cspViolations).toEqual(['style-src-elem inline']);
    expect(problems.console).toEqual([expect.stringContaining('Content Security Policy')]);
    expect(await mainMaxWidth(opened.page)).toBe('none');
  });
});
