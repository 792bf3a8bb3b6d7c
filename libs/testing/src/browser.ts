import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { within } from './world';

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

/** Run first in every page: keeps what the page's CSP refused in `window.__cspRefusals`. */
const RECORD_CSP_REFUSALS = `(() => {
  const refused = [];
  Object.defineProperty(window, '__cspRefusals', { value: refused });
  document.addEventListener('securitypolicyviolation', (e) => refused.push(e.effectiveDirective + ': ' + e.blockedURI));
})();`;

/** A browser of its own (a fresh profile: its own cookies), for one person of a test. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'behalf-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
  // Every page records what its Content-Security-Policy refused (read by cspRefusals). Init scripts
  // are added through the debugging protocol, which no page's CSP governs.
  await context.addInitScript({ content: RECORD_CSP_REFUSALS });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What the page's Content-Security-Policy refused since it loaded, as `directive: what` (a URL, or `inline`). */
export async function cspRefusals(page: Page): Promise<string[]> {
  return page.evaluate<string[]>('[...(window.__cspRefusals ?? [])]');
}

/** On the console's login page (where Behalf sent the viewer, or the console a signed-out person): signs in and waits to be at `returnUrl`. */
export async function signInOnLoginPage(page: Page, login: string, password: string, returnUrl: string | RegExp): Promise<void> {
  await page.waitForURL(/\/login\?/);
  await page.getByLabel(/^Login/).fill(login);
  await page.getByLabel(/^Password/).fill(password);
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

/** How long the web-first checks below wait for the page to get there. */
const PATIENCE_MS = 10_000;

/** Waits as {@link within} does, and on failure says what was expected and what there was. */
async function until(what: string, check: () => Promise<boolean>, last: () => Promise<string>): Promise<void> {
  try {
    await within(PATIENCE_MS, () => check().catch(() => false));
  } catch {
    throw new Error(`${what}, within ${PATIENCE_MS} ms; it was: ${await last().catch((e: Error) => e.message)}`);
  }
}

const matches = (text: string, pattern: string | RegExp) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));

/** Waits until the (first) element `locator` finds is visible. */
export async function shown(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: PATIENCE_MS });
}

/** Waits until the (first) element's text has `pattern`. */
export async function hasText(locator: Locator, pattern: string | RegExp): Promise<void> {
  const text = async () => (await locator.first().textContent({ timeout: 500 })) ?? '';
  await until(`expected ${locator} to show ${pattern}`, async () => matches(await text(), pattern), text);
}

/** Waits until the (first) element's text lacks `pattern`. */
export async function lacksText(locator: Locator, pattern: string | RegExp): Promise<void> {
  const text = async () => (await locator.first().textContent({ timeout: 500 })) ?? '';
  await until(`expected ${locator} not to show ${pattern}`, async () => !matches(await text(), pattern), text);
}

/** Waits until `locator` finds exactly `count` elements. */
export async function hasCount(locator: Locator, count: number): Promise<void> {
  await until(
    `expected ${count} of ${locator}`,
    async () => (await locator.count()) === count,
    async () => `${await locator.count()}`,
  );
}

/** Waits until the (first) form field's value is `value`. */
export async function hasValue(locator: Locator, value: string): Promise<void> {
  const current = () => locator.first().inputValue({ timeout: 500 });
  await until(`expected ${locator} to hold ${JSON.stringify(value)}`, async () => (await current()) === value, current);
}
