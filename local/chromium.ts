import { type Browser, chromium } from 'playwright-core';

/**
 * Headless Chromium for the status page's browser tests and its screenshot: Debian's
 * `chromium` package, or the binary `CHROMIUM_PATH` names. playwright-core drives it and
 * downloads no browser of its own.
 */
export function chromiumPath(environment: NodeJS.ProcessEnv = process.env): string {
  return environment.CHROMIUM_PATH || '/usr/bin/chromium';
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  try {
    return await chromium.launch({ executablePath });
  } catch (error) {
    throw new Error(
      `Chromium did not start from ${executablePath}: install Debian's chromium package ` +
        `(apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary.`,
      { cause: error },
    );
  }
}
