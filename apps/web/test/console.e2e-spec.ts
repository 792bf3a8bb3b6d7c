import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  Browser,
  cspRefusals,
  hasCount,
  hasValue,
  http,
  hasText,
  lacksText,
  openBrowser,
  SCREENSHOTS,
  screenshots,
  shown,
  signInOnLoginPage,
  Stack,
  startStack,
  stopAll,
  within,
  WIDTHS,
} from '@behalf/testing';

/**
 * The web console in Debian's Chromium against the real API, gateway and database: an admin sets
 * up people, groups, a grant and a webapp; a user keeps a secret and consents to it; the webapp's
 * backend acts as that user; the console explains why, shows the user who acted as them, and
 * verifies the audit chain. Every screen is checked with axe-core and photographed at both widths.
 */

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = join(SCREENSHOTS, 'console');
const PASSWORD = 'console-user-password-1';
const SECRET_VALUE = 'warehouse-s3cr3t-value';

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's serious and critical findings on the page as it is now. */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the debugging protocol, which the console's CSP does not govern (a script
  // tag would be refused, as it should be).
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (c: Document, o: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Looks at a screen at each width: its CSP refused nothing (the console's own style elements carry
 * the page's nonce), axe finds nothing serious, nothing lies past the screen's edge, and a
 * full-page screenshot is written as `console/<name>-<width>.png`.
 */
async function look(page: Page, name: string, ready?: Locator): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(250);
    await ready?.first().waitFor();
    expect({ screen: name, width, refused: await cspRefusals(page) }).toEqual({ screen: name, width, refused: [] });
    expect({ screen: name, width, serious: await seriousViolations(page) }).toEqual({ screen: name, width, serious: [] });
    // A filter form's Filter and Clear stay side by side, whatever wraps before them.
    for (const form of await page.getByRole('form', { name: 'Filters' }).all()) {
      const clear = form.getByRole('button', { name: 'Clear', exact: true });
      if ((await clear.count()) === 0) continue;
      const [filterBox, clearBox] = [await form.getByRole('button', { name: 'Filter', exact: true }).boundingBox(), await clear.boundingBox()];
      expect({ screen: name, width, sameRow: filterBox?.y === clearBox?.y }).toEqual({ screen: name, width, sameRow: true });
    }
    // A select or picker shows its whole choice: one cut mid-word reads as another.
    const cut = await page
      .locator('input[readonly], input[aria-haspopup="listbox"]')
      .evaluateAll((inputs) => (inputs as HTMLInputElement[]).filter((i) => i.value !== '' && i.scrollWidth > i.clientWidth + 1).map((i) => i.value));
    expect({ screen: name, width, cut }).toEqual({ screen: name, width, cut: [] });
    // No cell, button or link of a table lies past the screen's edge, behind a sideways scroll;
    // on a phone every cell names its column (the rows are blocks, the headings out of sight).
    // A table's box is in the tab order only when it scrolls sideways (none does at these widths).
    const tables = await page.locator('table').evaluateAll((all, screenWidth) => {
      const cells = all.flatMap((table) => [...table.querySelectorAll('tbody td, tbody a, tbody button')]);
      return {
        beyond: cells.filter((e) => e.getBoundingClientRect().right > screenWidth + 0.5).map((e) => (e.textContent ?? '').trim().slice(0, 40)),
        labels: [...new Set(all.flatMap((table) => [...table.querySelectorAll('tbody td')].map((td) => getComputedStyle(td, '::before').content)))],
        tabStops: all.filter((table) => table.closest('[tabindex="0"]')).map((table) => table.getAttribute('aria-label')),
      };
    }, width);
    expect({ screen: name, width, beyond: tables.beyond, tabStops: tables.tabStops }).toEqual({ screen: name, width, beyond: [], tabStops: [] });
    if (tables.labels.length > 0) {
      const headings = await page.locator('table thead th').allTextContents();
      const expected = width < 576 ? [...new Set(headings.map((h) => `"${h}"`))].sort() : ['none'];
      expect({ screen: name, width, labels: tables.labels.sort() }).toEqual({ screen: name, width, labels: expected });
    }
    // Nothing on the page reaches past the screen's right edge, clipped or not, but inside a box
    // that scrolls sideways (a code block, a table too wide for a tablet).
    const pastEdge = await page.evaluate((screenWidth) => {
      const scrolls = (e: Element | null): boolean => {
        for (let a = e?.parentElement; a; a = a.parentElement) if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return true;
        return false;
      };
      return [...document.body.querySelectorAll('*')]
        .filter((e) => {
          const box = e.getBoundingClientRect();
          return box.width > 0 && box.height > 0 && box.right > screenWidth + 1 && !scrolls(e);
        })
        .map((e) => `${e.tagName.toLowerCase()}: ${(e.textContent ?? '').trim().slice(0, 40)}`);
    }, width);
    expect({ screen: name, width, pastEdge }).toEqual({ screen: name, width, pastEdge: [] });
    // From the top, so that the fixed header and navigation are drawn where they belong.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Chooses `option` in the Mantine select or picker labelled `label`, typing it first when searchable. */
async function choose(page: Page, label: string | RegExp, option: string, type = true): Promise<void> {
  // The input, not a form or list that shares its name.
  const input = page
    .getByLabel(label, { exact: typeof label === 'string' })
    .and(page.locator('input'))
    .first();
  // A multi-select's input sits under its pills' box, which takes the click, as a person's would.
  await input.click({ force: true });
  if (type) await input.fill(option);
  await page.getByRole('option', { name: option, exact: true }).click();
}

/**
 * Filters a list by a webapp picked by name (`webapp`, whose id is `id`), then checks what the
 * audit screens promise: the address carries the id, `listed` holds, and the page opened afresh
 * from the address shows the webapp by name again, with `listed` still holding.
 */
async function filterByWebapp(page: Page, webapp: string, id: string, listed: () => Promise<void>): Promise<void> {
  const filters = page.getByRole('form', { name: 'Filters' });
  await choose(page, 'Webapp', webapp);
  await filters.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(new RegExp(`[?&]webapp=${id}(&|$)`));
  await listed();
  await page.reload();
  await hasValue(filters.getByLabel('Webapp', { exact: true }), webapp);
  await listed();
}

describe('the web console', () => {
  let stack: Stack;
  let admin: Browser;
  let ada: Browser;
  let adminPage: Page;
  let adaPage: Page;
  let upstream: Server;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startStack();
    upstream = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><title>Support desk</title><h1>Hello ${String(req.headers['x-behalf-user'] ?? 'nobody')}</h1></html>`);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    admin = await openBrowser();
    adminPage = await admin.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
    await ada?.close();
    await new Promise((resolve) => upstream?.close(resolve));
    await stack?.stop();
    await stopAll();
  });

  const url = (path: string) => `http://127.0.0.1:${stack.apiPort}${path}`;
  /** Waits until the focus is on the screen's heading `name`. */
  const focusOnHeading = (name: string) =>
    adminPage.waitForFunction((text) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === text, name, { timeout: 10_000 });

  it('sends a signed-out person to the login page, and back to where they were going once signed in', async () => {
    await adminPage.goto(url('/groups'));
    await adminPage.waitForURL(/\/login\?next=%2Fgroups/);
    await look(adminPage, 'login', adminPage.getByRole('button', { name: 'Sign in' }));
    // A wrong password: the problem's words, where it happened.
    await adminPage.getByLabel(/^Login/).fill('admin');
    await adminPage.getByLabel(/^Password/).fill('not-the-password');
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    await hasText(adminPage.getByRole('alert'), /login or password/i);
    await look(adminPage, 'login-refused', adminPage.getByRole('alert'));
    await signInOnLoginPage(adminPage, 'admin', ADMIN_PASSWORD, /\/groups$/);
    await adminPage.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    // Arriving at a screen puts the focus on its heading: after signing in, and after a link.
    await focusOnHeading('Groups');
    await adminPage.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).click();
    await focusOnHeading('Users');
    // The heading holds the focus without a ring: it is no control.
    expect(await adminPage.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('none');
    await adminPage.reload();
    await focusOnHeading('Users');
    expect(await adminPage.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('none');
    await adminPage.keyboard.press('Tab');
    expect(await adminPage.evaluate(() => document.activeElement?.textContent)).toBe('New user');
  });

  it('lets an admin create two groups and three users, and put the users in them', async () => {
    for (const name of ['support', 'analysts']) {
      await adminPage.goto(url('/groups'));
      await adminPage.getByRole('button', { name: 'New group' }).click();
      const dialog = adminPage.getByRole('dialog', { name: 'New group' });
      await dialog.getByLabel(/^Name/).fill(name);
      await dialog.getByLabel('Description').fill(`The ${name} team`);
      if (name === 'analysts') await look(adminPage, 'group-new', dialog);
      await dialog.getByRole('button', { name: 'Create group' }).click();
      await adminPage.getByRole('heading', { name: `Group ${name}` }).waitFor();
      ids[name] = adminPage.url().split('/').pop()!;
    }
    for (const login of ['support-bot', 'ada', 'grace']) {
      await adminPage.goto(url('/users'));
      await adminPage.getByRole('button', { name: 'New user' }).click();
      const dialog = adminPage.getByRole('dialog', { name: 'New user' });
      await dialog.getByLabel(/^Login/).fill(login);
      await dialog.getByLabel('Email').fill(`${login}@example.com`);
      // The password rule is shown, and a short password is refused before it is sent.
      await shown(dialog.getByText('At least 12 characters'));
      await dialog.getByLabel(/^Password/).fill('short');
      await shown(dialog.getByText('Too short: at least 12 characters.'));
      if (login === 'grace') await look(adminPage, 'user-new', dialog);
      await dialog.getByLabel(/^Password/).fill(PASSWORD);
      await dialog.getByRole('button', { name: 'Create user' }).click();
      await adminPage.getByRole('heading', { name: `User ${login}` }).waitFor();
      ids[login] = adminPage.url().split('/').pop()!;
    }
    // A taken login: the API's problem, in words.
    await adminPage.goto(url('/users'));
    await adminPage.getByRole('button', { name: 'New user' }).click();
    const again = adminPage.getByRole('dialog', { name: 'New user' });
    await again.getByLabel(/^Login/).fill('ada');
    await again.getByRole('button', { name: 'Create user' }).click();
    await hasText(again.getByRole('alert'), /already/i);
    await adminPage.keyboard.press('Escape');

    for (const [group, login] of [
      ['support', 'support-bot'],
      ['analysts', 'ada'],
      ['analysts', 'grace'],
    ] as const) {
      await adminPage.goto(url(`/groups/${ids[group]}`));
      await choose(adminPage, 'Add a member', login);
      await adminPage.getByRole('button', { name: 'Add member' }).click();
      await shown(adminPage.getByRole('link', { name: login, exact: true }));
    }

    // The list searches as the API does (prefix of login, name or email).
    await adminPage.goto(url('/users'));
    await adminPage.getByLabel('Search').fill('gr');
    await shown(adminPage.getByRole('link', { name: 'grace' }));
    await hasCount(adminPage.getByRole('link', { name: 'ada', exact: true }), 0);
    await adminPage.getByLabel('Search').fill('');
    await look(adminPage, 'users', adminPage.getByRole('link', { name: 'support-bot' }));
    await adminPage.goto(url(`/users/${ids.ada}`));
    await shown(adminPage.getByRole('link', { name: 'analysts' }));
    await look(adminPage, 'user', adminPage.getByRole('heading', { name: 'User ada' }));
  });

  it('grants support → analysts with a reason and an expiry', async () => {
    await adminPage.goto(url(`/groups/${ids.support}`));
    const form = adminPage.getByRole('form', { name: 'Grant impersonation' });
    await choose(adminPage, 'Target group', 'analysts');
    await form.getByLabel(/^Reason/).fill('support tickets');
    const expiry = new Date(Date.now() + 30 * 24 * 3600 * 1000);
    const local = `${expiry.getFullYear()}-${String(expiry.getMonth() + 1).padStart(2, '0')}-${String(expiry.getDate()).padStart(2, '0')}T10:00`;
    await form.getByLabel('Expires').fill(local);
    await form.getByRole('button', { name: 'Grant' }).click();
    const row = adminPage.getByRole('table', { name: 'Impersonation targets' }).getByRole('row', { name: /analysts/ });
    await hasText(row, 'support tickets');
    await hasText(row, String(expiry.getFullYear()));
    await lacksText(row, 'expired');
    // A grant past its expiry shows as such (backdated in the database: the API refuses a past expiry).
    await stack.sql(
      `INSERT INTO impersonation_grants (source_group_id, target_group_id, reason, expires_at, created_at, created_by_login)
       VALUES ($1, $2, 'last quarter''s audit', now() - interval '1 day', now() - interval '30 days', 'admin')`,
      [ids.support, ids.support],
    );
    await adminPage.reload();
    const old = adminPage.getByRole('table', { name: 'Impersonation targets' }).getByRole('row', { name: /last quarter/ });
    await hasText(old, 'expired');
    await look(adminPage, 'group', row);
    await adminPage.goto(url('/groups'));
    await look(adminPage, 'groups', adminPage.getByRole('link', { name: 'support' }));
  });

  it('creates a webapp that runs as support-bot, restricted to ada, and reports errors next to their field', async () => {
    await adminPage.goto(url('/webapps'));
    await adminPage.getByRole('button', { name: 'New webapp' }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'New webapp' });
    await dialog.getByLabel(/^Name/).fill('Support desk');
    await choose(adminPage, 'Source', 'Container image', false);
    await dialog.getByLabel('Image').fill('registry.example.com/desk:1');
    await look(adminPage, 'webapp-new', dialog);
    await dialog.getByRole('button', { name: 'Create webapp' }).click();
    await adminPage.getByRole('heading', { name: 'Webapp Support desk' }).waitFor();
    ids.webapp = adminPage.url().split('/').pop()!;

    const settings = adminPage.getByRole('form', { name: 'Security settings' });
    await choose(adminPage, 'Run-as user', 'support-bot');
    await choose(adminPage, 'Access', 'Restricted: the viewers below', false);
    await choose(adminPage, 'Viewers: users', 'ada');
    await adminPage.keyboard.press('Escape');
    await settings.getByLabel(/^Allow impersonation/).check();
    await settings.getByLabel(/^Send an identity token/).check();
    // A secret name the API refuses: its message shows under that field.
    const names = settings.getByLabel('Secret names it may receive');
    await names.fill('not a name!');
    await names.press('Enter');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await hasText(settings.getByRole('alert'), 'The settings were not saved');
    // Once in the alert's list, once under the field.
    await hasCount(settings.getByText(/expected 1 to 128 of/), 2);
    // The alert names the field in words, not by the API's path (body.secretNames.0).
    await hasText(settings.getByRole('alert'), 'Secret names, item 1: expected 1 to 128 of');
    expect(await settings.getByRole('alert').textContent()).not.toContain('secretNames');
    await look(adminPage, 'webapp-settings-refused', settings.getByRole('alert'));
    await settings
      .getByRole('button', { name: /Remove not a name!/ })
      .click()
      .catch(async () => names.press('Backspace'));
    await names.fill('warehouse_token');
    await names.press('Enter');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await shown(settings.getByRole('status').filter({ hasText: 'Saved.' }));
    // The effective run-as identity, explained.
    const runsAs = adminPage.getByText(/support-bot/).first();
    await shown(runsAs);
    await shown(adminPage.getByText('pinned by an admin', { exact: false }).first());

    const stored = await stack.call<{ runAsUserId: string; access: string; viewers: { users: string[] }; secretNames: string[]; allowImpersonation: boolean }>(
      'GET',
      `/api/v1/webapps/${ids.webapp}/settings`,
      undefined,
      await stack.login('admin', ADMIN_PASSWORD),
    );
    expect(stored.body).toMatchObject({
      runAsUserId: ids['support-bot'],
      access: 'restricted',
      viewers: { users: [ids.ada] },
      secretNames: ['warehouse_token'],
      allowImpersonation: true,
    });

    // A run, started here: its launch spec is shown without the backend token.
    await adminPage.getByRole('button', { name: 'Start a run' }).click();
    const spec = adminPage.getByText(/Launch spec/);
    await shown(spec);
    const page = await adminPage.content();
    expect(page).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    expect(page).not.toContain('BEHALF_BACKEND_TOKEN');
    await hasText(adminPage.getByRole('table', { name: 'Runs' }), 'support-bot');
    await shown(adminPage.getByRole('link', { name: /support-desk\.localhost/ }));
    await look(adminPage, 'webapp', adminPage.getByRole('table', { name: 'Runs' }));
    await adminPage.goto(url('/webapps'));
    await shown(adminPage.getByRole('link', { name: 'Support desk' }));
  });

  it('lets ada store a secret (never shown again) and consent to it for the webapp', async () => {
    ada = await openBrowser();
    adaPage = await ada.context.newPage();
    await adaPage.goto(url('/'));
    await signInOnLoginPage(adaPage, 'ada', PASSWORD, /\/me\/secrets$/);
    // Not an admin: no admin screens offered.
    await hasCount(adaPage.getByRole('link', { name: 'Users' }), 0);
    await shown(adaPage.getByText('No secrets yet.'));
    await look(adaPage, 'my-secrets-empty', adaPage.getByText('No consents given.'));
    // The consent form says what to choose, and that a secret must be stored before it can be chosen.
    const consent = adaPage.getByRole('form', { name: 'Consent for a webapp' });
    await shown(consent.getByPlaceholder('Choose a webapp'));
    await shown(consent.getByPlaceholder('Store a secret first'));
    const store = adaPage.getByRole('form', { name: 'Store a secret' });
    await store.getByLabel(/^Name/).fill('warehouse_token');
    await store.getByLabel(/^Value/).fill(SECRET_VALUE);
    await store.getByRole('button', { name: 'Store secret' }).click();
    await shown(adaPage.getByRole('cell', { name: 'warehouse_token' }));
    await shown(consent.getByPlaceholder('Choose your secrets'));
    await choose(adaPage, 'Webapp', 'Support desk');
    await choose(adaPage, 'Secrets it may receive', 'warehouse_token', false);
    await adaPage.keyboard.press('Escape');
    await consent.getByRole('button', { name: 'Save consent' }).click();
    await shown(adaPage.getByRole('button', { name: 'Revoke consent for Support desk' }));
    expect(await adaPage.content()).not.toContain(SECRET_VALUE);
    await look(adaPage, 'my-secrets', adaPage.getByRole('button', { name: 'Revoke consent for Support desk' }));
  });

  it('shows ada the exchange the webapp backend made as her, and the secret it received', async () => {
    const adminSession = await stack.login('admin', ADMIN_PASSWORD);
    const runs = await stack.call<{ items: { id: string; status: string }[] }>('GET', `/api/v1/webapps/${ids.webapp}/runs`, undefined, adminSession);
    const run = runs.body.items.find((r) => r.status === 'active')!;
    // The runtime's side: a fresh backend token for the run, and ada's browser headers passed on.
    const refreshed = await stack.call<{ backendToken: string }>('POST', `/api/v1/webapps/${ids.webapp}/runs/${run.id}/refresh`, undefined, adminSession);
    const backend = refreshed.body.backendToken;
    const adaCookies = await ada.context.cookies(url('/'));
    const session = adaCookies.find((c) => c.name === 'behalf_session')!.value;
    const identity = await stack.call<{ token: string }>(
      'POST',
      '/api/v1/runtime/identity-token',
      { headers: { cookie: `behalf_session=${session}` } },
      backend,
    );
    expect(identity.status).toBe(200);
    const exchange = await fetch(url('/oauth/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: identity.body.token,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        actor_token: backend,
        actor_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      }),
    });
    expect({ status: exchange.status, body: await exchange.text() }).toMatchObject({ status: 200 });
    const info = await stack.call<{ secrets: { name: string; value: string }[] }>(
      'POST',
      '/api/v1/runtime/auth-info',
      { headers: { cookie: `behalf_session=${session}` }, withSecrets: true },
      backend,
    );
    expect(info.body.secrets).toEqual([{ name: 'warehouse_token', value: SECRET_VALUE }]);

    await adaPage.goto(url('/me/acted-as-me'));
    const table = adaPage.getByRole('table', { name: 'Impersonation events' });
    const row = table.getByRole('row', { name: /Exchanged your identity/ });
    await hasText(row, 'support-bot');
    await hasText(row, 'Support desk');
    await hasText(row, 'allowed');
    // What it was on in words, the id short (whole in the tooltip); ada's own id is not repeated to her.
    await hasText(row, /Webapp run [0-9a-f]{8}/);
    await lacksText(row, /webapp_run|[0-9a-f]{8}-[0-9a-f]{4}/);
    const delivered = table.getByRole('row', { name: /Received your secrets/ });
    await shown(delivered);
    await lacksText(delivered, /User |[0-9a-f]{8}-[0-9a-f]{4}/);
    // Filtered by the API (over every page, not just this one): what was done, by whom.
    const filters = adaPage.getByRole('form', { name: 'Filters' });
    await choose(adaPage, 'What', 'Received your secrets', false);
    await filters.getByRole('button', { name: 'Filter' }).click();
    await hasCount(table.getByRole('row', { name: /Exchanged your identity/ }), 0);
    await shown(table.getByRole('row', { name: /Received your secrets/ }));
    await filters.getByLabel('Actor').fill('nobody-such');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await shown(adaPage.getByText('No event matches the filter.'));
    await filters.getByLabel('Actor').fill('support-bot');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await shown(table.getByRole('row', { name: /Received your secrets/ }));
    // The filters are in the address: kept on reload, followed back, and cleared.
    await adaPage.waitForURL(/actor=support-bot/);
    expect(new URL(adaPage.url()).searchParams.get('action')).toBe('secret.deliver');
    await adaPage.reload();
    await shown(table.getByRole('row', { name: /Received your secrets/ }));
    await hasCount(table.getByRole('row', { name: /Exchanged your identity/ }), 0);
    await hasValue(filters.getByLabel('Actor'), 'support-bot');
    await adaPage.goBack();
    await shown(adaPage.getByText('No event matches the filter.'));
    await hasValue(filters.getByLabel('Actor'), 'nobody-such');
    await filters.getByRole('button', { name: 'Clear' }).click();
    await adaPage.waitForURL(/\/me\/acted-as-me$/);
    await shown(table.getByRole('row', { name: /Exchanged your identity/ }));
    await shown(table.getByRole('row', { name: /Received your secrets/ }));
    await hasValue(filters.getByLabel('Actor'), '');
    await look(adaPage, 'acted-as-me', row.or(table.getByRole('row', { name: /Received your secrets/ })).first());
    await filterByWebapp(adaPage, 'Support desk', ids.webapp, async () => {
      await shown(table.getByRole('row', { name: /Exchanged your identity/ }));
      await shown(table.getByRole('row', { name: /Received your secrets/ }));
    });
  });

  it('explains why support-bot may act as ada, rule by rule', async () => {
    await adminPage.goto(url('/explain'));
    await adminPage.getByLabel(/^Actor/).fill('support-bot');
    await adminPage.getByLabel(/^Viewer/).fill('ada');
    await adminPage.getByRole('button', { name: 'Explain' }).click();
    const answer = adminPage.getByRole('status').filter({ hasText: 'may act as' });
    await hasText(answer, 'support-bot may act as ada');
    await hasText(answer, 'group support holds a grant on group analysts');
    await hasText(answer, 'support tickets');
    const rules = adminPage.getByRole('list', { name: 'Rules' });
    await hasCount(rules.getByRole('listitem'), 6);
    await lacksText(rules, 'fails');
    await look(adminPage, 'explain', answer);
    // And why grace (analysts, but the same question the other way round) may not act as ada.
    await adminPage.getByLabel(/^Actor/).fill('grace');
    await adminPage.getByRole('button', { name: 'Explain' }).click();
    await hasText(adminPage.getByRole('status').filter({ hasText: 'may not act as' }), 'No impersonation grant');
    await hasText(rules.getByRole('listitem').filter({ hasText: 'fails' }), 'impersonation grant');
    await look(adminPage, 'explain-refused', rules);
    // In the webapp: its own conditions first, judged on its live run (which runs as support-bot).
    await choose(adminPage, 'In webapp', 'Support desk');
    await adminPage.getByRole('button', { name: 'Explain' }).click();
    await adminPage.waitForURL(new RegExp(`webapp=${ids.webapp}`));
    await hasText(adminPage.getByRole('status').filter({ hasText: 'may not act as' }), 'grace may not act as ada in Support desk');
    await hasText(adminPage.getByRole('status'), 'runs as someone else');
    await hasCount(rules.getByRole('listitem'), 10);
    await hasText(rules.getByRole('listitem').filter({ hasText: 'fails' }), 'That run runs as the actor');
    await adminPage.getByLabel(/^Actor/).fill('support-bot');
    await adminPage.getByRole('button', { name: 'Explain' }).click();
    const inWebapp = adminPage.getByRole('status').filter({ hasText: 'may act as' });
    await hasText(inWebapp, 'support-bot may act as ada in Support desk');
    await lacksText(rules, 'fails');
    await hasText(rules, 'The viewer may view the webapp (its access setting): holds');
    await shown(adminPage.getByText('Judged on the webapp’s live run'));
    await look(adminPage, 'explain-webapp', inWebapp);
  });

  it('verifies the audit chain and filters the records', async () => {
    await adminPage.goto(url('/audit'));
    await adminPage.getByRole('button', { name: 'Verify the chain' }).click();
    await shown(adminPage.getByRole('status').filter({ hasText: 'The chain verifies' }));
    await choose(adminPage, 'Action', 'token.exchange');
    const records = adminPage.getByRole('table', { name: 'Audit records' });
    await filterByWebapp(adminPage, 'Support desk', ids.webapp, async () => {
      expect(new URL(adminPage.url()).searchParams.get('action')).toBe('token.exchange');
      await hasCount(records.getByRole('row'), 2);
    });
    await hasText(records, 'support-bot');
    await hasText(records, 'ada');
    // The target in words, its id short (whole in the tooltip), linked to the run's webapp.
    const [exchanged] = await stack.sql<{ run: string }>(
      `SELECT target_id AS run FROM audit_events WHERE action = 'token.exchange' AND target_type = 'webapp_run' ORDER BY id DESC LIMIT 1`,
    );
    const target = records.getByRole('link', { name: `Webapp run ${exchanged.run.slice(0, 8)} of Support desk` });
    expect(await target.getAttribute('title')).toBe(exchanged.run);
    expect(await target.getAttribute('href')).toBe(`/webapps/${ids.webapp}`);
    await lacksText(records, 'webapp_run');
    await look(adminPage, 'audit', records);
    // Too narrow for its columns (700 px, no sidebar), the table scrolls sideways in a named
    // region the keyboard reaches, and the page itself does not.
    await adminPage.setViewportSize({ width: 700, height: 900 });
    const region = adminPage.getByRole('region', { name: 'Audit records, scrolling sideways' });
    await region.waitFor();
    expect(await region.getAttribute('tabindex')).toBe('0');
    expect(await region.evaluate((box) => box.scrollWidth > box.clientWidth)).toBe(true);
    expect(await adminPage.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await adminPage.setViewportSize({ width: 1280, height: 900 });
    await hasCount(adminPage.getByRole('region', { name: /scrolling sideways/ }), 0);
    // A target with a name is shown by the name it has now, linked, its id in the tooltip.
    await adminPage.goto(url('/audit?action=webapp.create'));
    const named = records.getByRole('link', { name: 'Webapp Support desk' });
    await shown(named);
    expect(await named.getAttribute('href')).toBe(`/webapps/${ids.webapp}`);
    expect(await named.getAttribute('title')).toBe(ids.webapp);
    // A tampered record is named.
    const [last] = await stack.sql<{ id: string }>(`SELECT id::text AS id FROM audit_events WHERE action = 'token.exchange' ORDER BY id DESC LIMIT 1`);
    // As a database superuser could: past the append-only trigger.
    await stack.sql(
      `ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete;
       UPDATE audit_events SET reason = 'tampered' WHERE id = ${Number(last.id)};
       ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_or_delete;`,
    );
    await adminPage.getByRole('button', { name: 'Verify the chain' }).click();
    await hasText(adminPage.getByRole('alert').filter({ hasText: 'The chain is broken' }), `The first broken record is ${last.id}`);
    await look(adminPage, 'audit-broken', adminPage.getByRole('alert'));
    // A filter nothing matches says so, instead of an empty table (the page afresh: no verdict shown).
    await adminPage.reload();
    await hasCount(adminPage.getByRole('alert'), 0);
    await choose(adminPage, 'Outcome', 'failed', false);
    await adminPage.getByRole('button', { name: 'Filter' }).click();
    await adminPage.waitForURL(/outcome=failed/);
    await shown(adminPage.getByText('No record matches.'));
    await hasCount(records, 0);
    await look(adminPage, 'audit-empty', adminPage.getByText('No record matches.'));
  });

  it('keeps datasets: a group permission, an upload with progress that can be cancelled, a download, a delete', async () => {
    await adminPage.goto(url('/datasets'));
    await shown(adminPage.getByText('No datasets you may read.'));
    await adminPage.getByRole('button', { name: 'New dataset' }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'New dataset' });
    await dialog.getByLabel(/^Name/).fill('sales');
    await dialog.getByRole('button', { name: 'Create dataset' }).click();
    await adminPage.getByRole('heading', { name: 'Dataset sales' }).waitFor();
    await choose(adminPage, 'Group', 'analysts');
    await adminPage.getByRole('button', { name: 'Give access' }).click();
    await hasText(adminPage.getByText(/analysts:/), 'read');

    // A slow link: the upload shows its progress and is cancelled; nothing is stored.
    const cdp = await admin.context.newCDPSession(adminPage);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 64 * 1024 });
    const chooser = adminPage.waitForEvent('filechooser');
    await adminPage.getByRole('button', { name: 'File' }).click();
    await (await chooser).setFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.alloc(2 * 1024 * 1024, 'a') });
    await adminPage.getByRole('button', { name: 'Upload', exact: true }).click();
    await shown(adminPage.getByRole('progressbar', { name: 'Upload progress' }));
    await adminPage.getByRole('button', { name: 'Cancel upload' }).click();
    await hasText(adminPage.getByRole('alert'), 'Upload cancelled');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await shown(adminPage.getByText('No files yet.'));

    const chooser2 = adminPage.waitForEvent('filechooser');
    await adminPage.getByRole('button', { name: 'File' }).click();
    await (await chooser2).setFiles({ name: 'q3.csv', mimeType: 'text/csv', buffer: Buffer.from('month,revenue\n2026-07,12\n') });
    await adminPage.getByLabel('Path in the dataset').fill('reports/q3.csv');
    await adminPage.getByRole('button', { name: 'Upload', exact: true }).click();
    await shown(adminPage.getByRole('status').filter({ hasText: 'Stored reports/q3.csv.' }));
    const files = adminPage.getByRole('table', { name: 'Files' });
    await hasText(files, 'reports/q3.csv');
    const download = adminPage.waitForEvent('download');
    await files.getByRole('link', { name: 'Download reports/q3.csv' }).click();
    const saved = await (await download).path();
    expect(readFileSync(saved, 'utf8')).toBe('month,revenue\n2026-07,12\n');
    await look(adminPage, 'dataset', files);
    await files.getByRole('button', { name: 'Delete reports/q3.csv' }).click();
    await shown(adminPage.getByText('No files yet.'));
    await adminPage.goto(url('/datasets'));
    await look(adminPage, 'datasets', adminPage.getByRole('link', { name: 'sales' }));
  });

  it('shows the signing keys, rotates them with and without delay, and validates global settings', async () => {
    await adminPage.goto(url('/keys'));
    const keys = adminPage.getByRole('table', { name: 'Published keys' });
    await hasCount(keys.getByRole('row'), 2);
    await adminPage.getByRole('button', { name: 'Rotate after the publication delay' }).click();
    await hasText(adminPage.getByRole('status').filter({ hasText: 'New key' }), 'signs from');
    await hasCount(keys.getByRole('row'), 3);
    await adminPage.getByRole('button', { name: 'Rotate now' }).click();
    await hasCount(keys.getByRole('row'), 4);
    const lifetime = adminPage.getByLabel('Identity token lifetime (seconds)');
    await lifetime.fill('999999');
    await adminPage.getByRole('button', { name: 'Save settings' }).click();
    await shown(adminPage.getByRole('alert').filter({ hasText: 'The settings were not saved' }));
    // In the alert, the field in words; under the field, its message.
    await hasText(adminPage.getByRole('alert'), 'Identity token lifetime seconds: expected a whole number of seconds from');
    await hasCount(adminPage.getByText(/expected a whole number of seconds from/), 2);
    await look(adminPage, 'keys', keys);
  });

  it('lets an owner who is no admin ask for secret names, and an admin approve them', async () => {
    // Set-up through the API: grace may create webapps, and owns one.
    const adminSession = await stack.login('admin', ADMIN_PASSWORD);
    const creators = await stack.call<{ id: string }>('POST', '/api/v1/groups', { name: 'creators', permissions: { mayCreateWebapps: true } }, adminSession);
    await stack.call('PUT', `/api/v1/groups/${creators.body.id}/members/${ids.grace}`, undefined, adminSession);
    const graceSession = await stack.login('grace', PASSWORD);
    const notebook = await stack.call<{ id: string }>('POST', '/api/v1/webapps', { name: 'Grace notebook', kind: 'dash' }, graceSession);
    expect(notebook.status).toBe(201);

    const grace = await openBrowser();
    try {
      const page = await grace.context.newPage();
      await page.goto(url(`/webapps/${notebook.body.id}`));
      await signInOnLoginPage(page, 'grace', PASSWORD, new RegExp(`/webapps/${notebook.body.id}$`));
      const ask = page.getByRole('form', { name: 'Ask for secret names' });
      const names = ask.getByLabel('Secret names to ask for');
      await names.fill('warehouse_token');
      await names.press('Enter');
      await ask.getByRole('button', { name: 'Ask an admin' }).click();
      const pending = page.getByRole('region', { name: 'Pending request' });
      await hasText(pending, 'grace asked');
      await hasText(pending, 'warehouse_token');
      await look(page, 'webapp-secret-name-request', pending);
    } finally {
      await grace.close();
    }

    await adminPage.goto(url('/webapps'));
    const requests = adminPage.getByRole('link', { name: 'Grace notebook' }).first();
    await shown(requests);
    await look(adminPage, 'webapps', requests);
    await requests.click();
    await adminPage.getByRole('heading', { name: 'Webapp Grace notebook' }).waitFor();
    await adminPage.getByRole('button', { name: 'Approve the names' }).click();
    await shown(adminPage.getByText('No pending request.'));
    // The settings form shows the approved name at once.
    await shown(adminPage.getByRole('form', { name: 'Security settings' }).getByText('warehouse_token'));
    const settings = await stack.call<{ secretNames: string[] }>('GET', `/api/v1/webapps/${notebook.body.id}/settings`, undefined, adminSession);
    expect(settings.body.secretNames).toEqual(['warehouse_token']);
  });

  it('lets a webapp viewer sign in on the console login page and return to the webapp', async () => {
    const adminSession = await stack.login('admin', ADMIN_PASSWORD);
    const runs = await stack.call<{ items: { id: string; status: string }[] }>('GET', `/api/v1/webapps/${ids.webapp}/runs`, undefined, adminSession);
    const run = runs.body.items.find((r) => r.status === 'active')!;
    const backend = (await stack.call<{ backendToken: string }>('POST', `/api/v1/webapps/${ids.webapp}/runs/${run.id}/refresh`, undefined, adminSession)).body
      .backendToken;
    const put = await stack.call(
      'PUT',
      `/api/v1/webapps/${ids.webapp}/runs/${run.id}/upstream`,
      { url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` },
      backend,
    );
    expect(put.status).toBe(200);
    const viewer = await openBrowser();
    try {
      const page = await viewer.context.newPage();
      const webappUrl = `http://${stack.hostOf('support-desk')}/`;
      // The gateway hears of the new upstream within a second.
      await within(3000, async () => (await http(stack.gatewayPort, stack.hostOf('support-desk'), '/')).status === 302);
      await page.goto(webappUrl);
      await page.waitForURL(/\/login\?return_to=%2Foauth%2Fauthorize/);
      await shown(page.getByText('Sign in to open the webapp.'));
      await look(page, 'login-webapp', page.getByRole('button', { name: 'Sign in' }));
      await signInOnLoginPage(page, 'ada', PASSWORD, webappUrl);
      await shown(page.getByRole('heading', { name: 'Hello ada' }));
      // The webapp's script opens the console in a window: once the console is there, the
      // webapp's handle on it is closed (COOP).
      const [popup] = await Promise.all([
        viewer.context.waitForEvent('page'),
        page.evaluate((consoleUrl) => {
          (window as unknown as { opened: Window | null }).opened = window.open(consoleUrl);
        }, `${stack.publicUrl}/me/secrets`),
      ]);
      await shown(popup.getByRole('heading', { name: 'My secrets' }));
      expect(await page.evaluate(() => (window as unknown as { opened: Window | null }).opened?.closed ?? 'not opened')).toBe(true);
      await popup.close();
      // The viewer's Behalf session is the console's too (on the origin Behalf is published at).
      await page.goto(`${stack.publicUrl}/me/secrets`);
      await shown(page.getByRole('heading', { name: 'My secrets' }));
    } finally {
      await viewer.close();
    }
  });

  it('sends a person whose session ended back to login, then to the page they were on; signs out', async () => {
    await adminPage.goto(url(`/users/${ids.grace}`));
    await adminPage.getByRole('heading', { name: 'User grace' }).waitFor();
    // Disable and enable again.
    await adminPage.getByRole('button', { name: 'Disable grace' }).click();
    await shown(adminPage.getByRole('button', { name: 'Enable grace' }));
    expect((await stack.call<{ status: string }>('GET', `/api/v1/users/${ids.grace}`, undefined, await stack.login('admin', ADMIN_PASSWORD))).body.status).toBe(
      'disabled',
    );
    await adminPage.getByRole('button', { name: 'Enable grace' }).click();
    await shown(adminPage.getByRole('button', { name: 'Disable grace' }));
    // The session ends elsewhere (logged out from another tab, expired, revoked).
    const cookies = await admin.context.cookies(url('/'));
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csrf = cookies.find((c) => c.name === 'behalf_csrf')!.value;
    const ended = await fetch(url('/api/v1/auth/logout'), { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    expect(ended.status).toBe(204);
    await adminPage.getByRole('link', { name: 'Audit' }).click();
    await adminPage.waitForURL(/\/login\?.*reason=expired/);
    await hasText(adminPage.getByRole('status'), 'Your session has ended');
    await look(adminPage, 'login-expired', adminPage.getByRole('status'));
    await signInOnLoginPage(adminPage, 'admin', ADMIN_PASSWORD, /\/audit/);
    await adminPage.getByRole('heading', { name: 'Audit', level: 1 }).waitFor();
    // A page that does not exist.
    await adminPage.goto(url('/me/no-such-page'));
    await shown(adminPage.getByRole('heading', { name: 'Nothing here' }));
    await look(adminPage, 'not-found', adminPage.getByRole('heading', { name: 'Nothing here' }));
    // Dark theme, remembered.
    await adminPage.goto(url('/users'));
    await adminPage.getByRole('button', { name: 'Use the dark theme' }).click();
    await within(5000, async () => (await adminPage.locator('html').getAttribute('data-mantine-color-scheme')) === 'dark');
    await look(adminPage, 'users-dark', adminPage.getByRole('link', { name: 'grace' }));
    await adminPage.getByRole('button', { name: 'Use the light theme' }).click();
    // Sign out.
    await adminPage.getByRole('button', { name: 'Sign out' }).click();
    await adminPage.waitForURL(/\/login\?reason=signed-out/);
    await hasText(adminPage.getByRole('status'), 'You are signed out.');
    await adminPage.goto(url('/users'));
    await adminPage.waitForURL(/\/login\?next=%2Fusers/);
  });

  it('works from the keyboard: signing in in tab order, then the navigation', async () => {
    const keyboard = await openBrowser();
    try {
      const page = await keyboard.context.newPage();
      await page.goto(url('/login'));
      // The login field has the focus; Tab goes on to the password; Enter submits.
      await page
        .getByLabel(/^Login/)
        .and(page.locator(':focus'))
        .waitFor();
      await page.keyboard.type('ada');
      await page.keyboard.press('Tab');
      await page
        .getByLabel(/^Password/)
        .and(page.locator(':focus'))
        .waitFor();
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/me\/secrets$/);
      // The router changes the address before the signed-in frame has rendered and loaded: tab only
      // once the page stands still, so that no re-render moves the focus back under the keys.
      await page.getByRole('heading', { name: 'My secrets', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Who acted as me' }).waitFor();
      await page.waitForLoadState('networkidle');
      // Chromium tabs on from where the login form's button was, so the path may first run through
      // the page and wrap around; a full turn is well under 60 stops.
      const path: string[] = [];
      while (path.length < 60 && path.at(-1) !== 'Who acted as me') {
        await page.keyboard.press('Tab');
        path.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
      }
      // The whole path, so that a failure shows where the focus went.
      expect(path.join(' → ')).toMatch(/(^| → )Who acted as me$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/me\/acted-as-me$/);
      await page.getByRole('heading', { name: 'Who acted as me' }).waitFor();
    } finally {
      await keyboard.close();
    }
  });

  it('applies no style sheet injected into its page nor one from elsewhere, and neither do the server-rendered pages', async () => {
    const page = await admin.context.newPage();
    try {
      await page.goto(url('/login'));
      await shown(page.getByRole('button', { name: 'Sign in' }));
      // The page's nonce is in no attribute a selector could match; the console read it.
      expect(
        await page.evaluate(() => {
          const meta = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
          return { attribute: meta?.getAttribute('nonce'), nonce: meta?.nonce.length, styled: document.querySelectorAll('style[nonce]').length > 0 };
        }),
      ).toEqual({ attribute: '', nonce: 24, styled: true });
      expect(await cspRefusals(page)).toEqual([]);
      // Markup injected into the page: a style element, one with a guessed nonce, a foreign sheet, and a style attribute.
      const applied = await page.evaluate(async () => {
        document.body.insertAdjacentHTML(
          'beforeend',
          '<style>body { visibility: hidden }</style><style nonce="guessed">html { color: rgb(255, 0, 0) }</style>' +
            '<link rel="stylesheet" href="http://evil.localhost:9/steal.css"><div id="probe" style="width: 123px"></div>',
        );
        await new Promise((resolve) => setTimeout(resolve, 200));
        return {
          visibility: getComputedStyle(document.body).visibility,
          red: getComputedStyle(document.documentElement).color === 'rgb(255, 0, 0)',
          probeWidth: getComputedStyle(document.getElementById('probe')!).width,
        };
      });
      expect(applied).toEqual({ visibility: 'visible', red: false, probeWidth: '123px' });
      expect((await cspRefusals(page)).sort()).toEqual([
        'style-src-elem: http://evil.localhost:9/steal.css',
        'style-src-elem: inline',
        'style-src-elem: inline',
      ]);
      // The authorization endpoint's refusal page and the gateway's failure page: their own style, nothing refused.
      for (const [name, address] of [
        ['authorize-refused', url('/oauth/authorize?client_id=nobody')],
        ['gateway-not-found', `http://127.0.0.1:${stack.gatewayPort}/`],
      ]) {
        await page.goto(address);
        await screenshots(page, 'console', name, page.getByRole('heading', { level: 1 }));
        await shown(page.getByRole('heading', { level: 1 }));
        expect({ address, font: await page.evaluate(() => getComputedStyle(document.body).fontFamily), refused: await cspRefusals(page) }).toEqual({
          address,
          font: 'system-ui, sans-serif',
          refused: [],
        });
      }
    } finally {
      await page.close();
    }
  });

  it('shows the API documentation (Swagger UI) working under its CSP: nothing refused, an operation tried out', async () => {
    const page = await admin.context.newPage();
    try {
      await page.goto(url('/api/docs'));
      const operation = page.locator('.opblock-summary', { hasText: '/.well-known/openid-configuration' });
      await operation.click();
      await page.getByRole('button', { name: 'Try it out' }).click();
      await page.getByRole('button', { name: 'Execute' }).click();
      await shown(page.locator('.live-responses-table .response-col_status', { hasText: '200' }));
      expect(await cspRefusals(page)).toEqual([]);
      // Script injected into the page does not run (an inline handler, a script from elsewhere).
      const ran = await page.evaluate(async () => {
        document.body.insertAdjacentHTML('beforeend', '<img src="data:," onerror="window.ran = true">');
        const script = document.createElement('script');
        script.src = 'http://evil.localhost:9/x.js';
        document.body.append(script);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return (window as unknown as { ran?: boolean }).ran ?? false;
      });
      expect(ran).toBe(false);
      expect([...new Set(await cspRefusals(page))].sort()).toEqual(['script-src-attr: inline', 'script-src-elem: http://evil.localhost:9/x.js']);
      await screenshots(page, 'console', 'api-docs', operation);
    } finally {
      await page.close();
    }
  });

  it('tells a person locked out after too many failures when to try again', async () => {
    const page = await ada.context.newPage();
    await page.goto(url('/login'));
    let message = '';
    for (let attempt = 0; attempt < 8 && !/try again/i.test(message); attempt += 1) {
      await page.getByLabel(/^Login/).fill('mallory');
      await page.getByLabel(/^Password/).fill(`wrong-password-${attempt}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      await page.waitForTimeout(100);
      message = (await page.getByRole('alert').textContent()) ?? '';
    }
    expect(message).toMatch(/try again/i);
    expect(message).not.toMatch(/\b429\b/);
    await look(page, 'login-locked', page.getByRole('alert'));
  });
});
