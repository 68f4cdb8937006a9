import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium; the browser tests skip loudly without it. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  // In CI a missing browser is a failure, not a skip: the pages would go untested.
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: CI runs the browser tests in tests/e2e (apt-get install -y chromium)`);
  console.warn(`!!! ${CHROMIUM} is missing: the browser tests in tests/e2e are NOT run. Install it with: apt-get install -y chromium`);
}

/** Screenshots of failures, and of the steps unless SCREENSHOTS_DIR is set. */
export const TEMP_SCREENSHOTS_DIR = path.join(os.tmpdir(), 'cds-e2e-screenshots');
/**
 * Where the steps are photographed: a temporary directory, or SCREENSHOTS_DIR when it is set
 * (`npm run docs:screenshots` sets it to docs/screenshots, which the organisers' guide shows).
 */
export const SCREENSHOTS_DIR = path.resolve(process.env.SCREENSHOTS_DIR || TEMP_SCREENSHOTS_DIR);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  return path.join(SCREENSHOTS_DIR, `${name}.png`);
}

/** A page as it was when a test failed: always in the temporary directory, never among the docs' pictures. */
export function failureScreenshotPath(name: string): string {
  fs.mkdirSync(TEMP_SCREENSHOTS_DIR, { recursive: true });
  return path.join(TEMP_SCREENSHOTS_DIR, `${name}.png`);
}

/**
 * Photographs a step: a whole page (`fullPage`, or only what the window shows with `{ fullPage: false }`),
 * or one part of it (a Locator, e.g. a section of the admin page).
 */
export async function screenshot(target: Page | Locator, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const file = screenshotPath(name);
  if ('goto' in target) await target.screenshot({ path: file, fullPage: options.fullPage ?? true, animations: 'disabled' });
  else await target.screenshot({ path: file, animations: 'disabled' });
}
