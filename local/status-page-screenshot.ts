import 'reflect-metadata';
import path from 'node:path';
import { createApp } from '../src/bootstrap';
import { launchChromium } from './chromium';
import { seedDemo } from './demo';
import { LocalAws } from './local-aws';

/**
 * `npm run screenshot`: the picture of the status page in docs/response.md,
 * docs/status-page.png (or the path given): the `npm start` demo's first GET /status in
 * headless Chromium, 1280 px wide.
 */
const PROJECT_ROOT = path.resolve(__dirname, '../../..'); // this file runs from build/local/local/

async function screenshot(file: string): Promise<void> {
  const localAws = await LocalAws.start();
  try {
    await seedDemo(localAws, new Date());
    Object.assign(process.env, localAws.environment(), { POWERTOOLS_LOG_LEVEL: 'SILENT' });
    const app = await createApp();
    await app.listen(0, '127.0.0.1');
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${await app.getUrl()}/status`);
      await page.screenshot({ path: file, fullPage: true });
    } finally {
      await browser.close();
      await app.close();
    }
  } finally {
    await localAws.stop();
  }
  process.stdout.write(`${path.relative(PROJECT_ROOT, file)}\n`);
}

screenshot(path.resolve(PROJECT_ROOT, process.argv[2] ?? 'docs/status-page.png')).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
