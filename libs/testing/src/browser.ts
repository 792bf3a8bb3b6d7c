import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BrowserContext, chromium, Locator, Page } from 'playwright-core';

/** Debian's Chromium, driven as DEVELOPERS.md says to drive it here. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser of its own (a fresh profile: its own cookies), for one person of a test. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'behalf-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** On Behalf's login page (where the gateway sent the viewer): signs in and waits to be back at `returnUrl`. */
export async function signInOnLoginPage(page: Page, login: string, password: string, returnUrl: string | RegExp): Promise<void> {
  await page.waitForURL(/\/oauth\/login\?/);
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(returnUrl);
}

/** Where browser tests write their screenshots (git ignores it; CI keeps it). */
export const SCREENSHOTS = resolve(__dirname, '../../../test-results/screenshots');

/** The widths every screen is looked at: a laptop and a phone. */
export const WIDTHS = [1280, 390] as const;

/**
 * Screenshots of `page` as it is now at each of {@link WIDTHS}, as `<folder>/<name>-<width>.png`,
 * each once `ready` (if given) shows after the page laid itself out again.
 */
export async function screenshots(page: Page, folder: string, name: string, ready?: Locator): Promise<void> {
  const dir = join(SCREENSHOTS, folder);
  mkdirSync(dir, { recursive: true });
  for (const width of [...WIDTHS].reverse()) {
    await page.setViewportSize({ width, height: 900 });
    // Let the page lay itself out again (Streamlit re-renders on resize).
    await page.waitForTimeout(400);
    await ready?.waitFor();
    await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true });
  }
}
