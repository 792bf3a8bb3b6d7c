import { join } from 'node:path';
import type { AuditEvent, WebappRun } from '@behalf/contracts';
import {
  Browser,
  http,
  openBrowser,
  screenshots,
  Proc,
  signInOnLoginPage,
  Stack,
  start,
  startStack,
  stopAll,
  USER_PASSWORD,
  within,
  World,
} from '@behalf/testing';

const ROOT = join(__dirname, '../../..');
const RUNNER = join(ROOT, 'libs/runtime-sdk/dist/runner/cli.js');

/**
 * The example webapps as a person runs them: the API and the gateway, each example started by the
 * local runner (`behalf start`), and two viewers of different groups (and one without a grant)
 * in Chromium, signing in through the gateway.
 */
describe('the example webapps, through the runner and the gateway', () => {
  let stack: Stack;
  let world: World;
  let apiKey: string;
  const people: Record<string, { id: string; login: string }> = {};
  const apps: Record<string, { id: string; slug: string; url: string }> = {};
  const runners: Record<string, { proc: Proc; pid: number; runId: string }> = {};
  let datasets: Record<string, string>;
  const browsers: Browser[] = [];
  let loginPageShot = false;

  /** Starts `webapp` through the runner; resolves once the gateway routes to it. */
  async function runExample(name: string, command: string[]): Promise<void> {
    const proc = start(process.execPath, [RUNNER, 'start', apps[name].slug, '--', ...command], {
      BEHALF_URL: `http://127.0.0.1:${stack.apiPort}`,
      BEHALF_API_KEY: apiKey,
      PYTHONPATH: join(ROOT, 'libs/runtime-python/src'),
      PYTHONUNBUFFERED: '1',
    });
    const [, runId] = await proc.waitFor(/run ([0-9a-f-]{36}) of /);
    const [, pid] = await proc.waitFor(/\(pid (\d+)\)/);
    await proc.waitFor(/ → http:\/\/127\.0\.0\.1:\d+/, 120_000);
    runners[name] = { proc, pid: Number(pid), runId };
    // As a signed-in viewer sees it: the gateway routes to the run within a second.
    await world.routed(apps[name].slug, await world.signIn(apps[name].slug, world.admin));
  }

  async function grantAndData(): Promise<void> {
    const admin = world.admin;
    const put = async (path: string, body: unknown) => {
      const res = await stack.call('PUT', path, body, admin);
      if (res.status >= 300) throw new Error(`${path}: ${JSON.stringify(res.body)}`);
    };
    const owner = (people.owner = await world.user('owner'));
    people.sam = await world.user('sam');
    people.mia = await world.user('mia');
    people.hana = await world.user('hana');
    const builders = await world.group('builders', [owner.id]);
    const sales = await world.group('sales', [people.sam.id]);
    const marketing = await world.group('marketing', [people.mia.id]);
    await world.group('hr', [people.hana.id]);
    for (const target of [sales, marketing]) {
      await put(`/api/v1/groups/${builders.id}/impersonation-targets/${target.id}`, { reason: 'the example webapps' });
    }
    datasets = {};
    for (const [name, readers, writers] of [
      ['sales-2026', [sales], []],
      ['campaigns', [marketing], []],
      ['notes', [], [sales, marketing]],
    ] as const) {
      const created = await stack.call<{ id: string }>('POST', '/api/v1/datasets', { name }, admin);
      datasets[name] = created.body.id;
      for (const g of readers) await put(`/api/v1/datasets/${created.body.id}/permissions/groups/${g.id}`, { access: 'read' });
      for (const g of writers) await put(`/api/v1/datasets/${created.body.id}/permissions/groups/${g.id}`, { access: 'write' });
    }
    for (const name of ['sales-2026', 'campaigns']) {
      const res = await fetch(`http://127.0.0.1:${stack.apiPort}/api/v1/datasets/${datasets[name]}/files/monthly.csv`, {
        method: 'PUT',
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'text/csv' },
        body: `month,${name === 'campaigns' ? 'leads' : 'revenue'}\n2026-01,10\n2026-02,14\n2026-03,9\n`,
      });
      if (res.status !== 201) throw new Error(`upload: ${res.status}`);
    }
    const settings = { runAsUserId: owner.id, access: 'authenticated', allowImpersonation: true, identityPropagation: { header: true, jwt: true } };
    apps.sales = await world.webapp('streamlit-sales', settings);
    apps.reports = await world.webapp('flask-reports', { ...settings, secretNames: ['warehouse'] });
    apps.notes = await world.webapp('express-notes', settings);
    apps.helloFlask = await world.webapp('hello-flask', settings);
    apps.helloExpress = await world.webapp('hello-express', settings);
    apiKey = (await stack.call<{ key: string }>('POST', '/api/v1/api-keys', { name: 'the runner' }, admin)).body.key;
  }

  beforeAll(async () => {
    stack = await startStack();
    world = await new World(stack).init();
    await grantAndData();
    await Promise.all([
      runExample('sales', ['python3', '-m', 'streamlit', 'run', 'apps/examples/streamlit-sales/app.py', '--server.fileWatcherType', 'none']),
      runExample('reports', ['python3', 'apps/examples/flask-reports/app.py']),
      runExample('notes', [process.execPath, 'apps/examples/express-notes/server.mjs']),
      runExample('helloFlask', ['python3', 'apps/examples/hello-flask/app.py']),
      runExample('helloExpress', [process.execPath, 'apps/examples/hello-express/server.mjs']),
    ]);
  }, 240_000);

  afterAll(async () => {
    for (const b of browsers) await b.close();
    for (const r of Object.values(runners)) await r.proc.stop();
    await stack?.stop();
    await stopAll();
  });

  /** A browser for `login`, signed in to `app` through the gateway, on its page. */
  async function viewerOn(login: string, app: string) {
    const browser = await openBrowser();
    browsers.push(browser);
    const page = await browser.context.newPage();
    const url = `http://${stack.hostOf(apps[app].slug)}/`;
    await page.goto(url);
    if (!loginPageShot) {
      // What a viewer sees first: Behalf's login step, on the way to the webapp.
      await page.waitForURL(/\/login\?return_to=/);
      await screenshots(page, 'examples', 'behalf-login', page.getByRole('button', { name: 'Sign in' }));
      loginPageShot = true;
    }
    await signInOnLoginPage(page, login, USER_PASSWORD, url);
    return page;
  }

  it('streamlit-sales greets each viewer and lists and plots only the datasets that viewer may read', async () => {
    const sam = await viewerOn('sam', 'sales');
    await sam.getByRole('heading', { name: 'Hello, SAM' }).waitFor({ timeout: 60_000 });
    await sam.getByText('sales-2026 (read)').waitFor();
    await sam.getByText('notes (write)').waitFor();
    await sam.getByText('3 rows, read as sam').waitFor();
    // The plot itself: Vega draws the bars of sam's file, each labelled with its values.
    const chart = sam.locator('[aria-label="month: 2026-02; revenue: 14"]');
    await chart.waitFor({ timeout: 30_000 });
    expect(await sam.getByText('campaigns').count()).toBe(0);
    await screenshots(sam, 'examples', 'streamlit-sales-sam', chart);

    const mia = await viewerOn('mia', 'sales');
    await mia.getByRole('heading', { name: 'Hello, MIA' }).waitFor({ timeout: 60_000 });
    await mia.getByText('campaigns (read)').waitFor();
    await mia.getByText('3 rows, read as mia').waitFor();
    await mia.locator('[aria-label="month: 2026-02; leads: 14"]').waitFor({ timeout: 30_000 });
    expect(await mia.getByText('sales-2026').count()).toBe(0);
  }, 180_000);

  it('a viewer whose groups no grant covers gets the refusal, with the policy’s reason', async () => {
    const hana = await viewerOn('hana', 'sales');
    await hana.getByText('Behalf refused to act as you (no_grant)').waitFor({ timeout: 60_000 });
    await screenshots(hana, 'examples', 'streamlit-sales-refused');
    const notes = await viewerOn('hana', 'notes');
    expect(await notes.content()).toContain('Behalf refused to act as you (no_grant)');
    await screenshots(notes, 'examples', 'express-notes-refused');
    const reports = await viewerOn('hana', 'reports');
    await reports.getByRole('alert').filter({ hasText: 'no_grant' }).waitFor();
    await screenshots(reports, 'examples', 'flask-reports-refused');
  }, 120_000);

  it('flask-reports gets the viewer’s secret only once they consented, and never shows it', async () => {
    const session = await stack.login('sam', USER_PASSWORD);
    await stack.call('PUT', '/api/v1/users/me/secrets/warehouse', { value: 'wh-secret-value-1' }, session);
    const sam = await viewerOn('sam', 'reports');
    await sam.getByRole('heading', { name: 'Reports for SAM' }).waitFor();
    await sam.getByText('Consent needed').waitFor();
    await screenshots(sam, 'examples', 'flask-reports-consent-needed');
    await stack.call('PUT', `/api/v1/users/me/secret-consents/${apps.reports.id}`, { names: ['warehouse'] }, session);
    await sam.reload();
    await sam.getByText('Your warehouse credential is connected.').waitFor();
    expect(await sam.getByRole('listitem').allTextContents()).toEqual(['notes', 'sales-2026']);
    expect(await sam.content()).not.toContain('wh-secret-value-1');
    await screenshots(sam, 'examples', 'flask-reports-connected');
  }, 120_000);

  it('express-notes writes the viewer’s note as them: the audit records the run’s identity acting on their behalf', async () => {
    const sam = await viewerOn('sam', 'notes');
    await sam.getByRole('heading', { name: 'Notes of SAM' }).waitFor();
    await sam.getByLabel('New note').fill('call the north region');
    await sam.getByRole('button', { name: 'Save' }).click();
    await sam.getByRole('list', { name: 'Your notes' }).getByText('call the north region').waitFor();
    await screenshots(sam, 'examples', 'express-notes-one-note');
    const mia = await viewerOn('mia', 'notes');
    await mia.getByRole('heading', { name: 'Notes of MIA' }).waitFor();
    expect(await mia.getByRole('listitem').count()).toBe(0);
    await screenshots(mia, 'examples', 'express-notes-empty');

    const events = (await stack.call<{ items: AuditEvent[] }>('GET', '/api/v1/audit-events?action=dataset.file.create&limit=50', undefined, world.admin)).body
      .items;
    const write = events.find((e) => e.webappId === apps.notes.id);
    expect(write).toMatchObject({
      outcome: 'succeeded',
      actor: { userId: people.owner.id, login: 'owner' },
      onBehalfOf: { userId: people.sam.id, login: 'sam' },
      target: { type: 'dataset', id: datasets.notes },
    });
    expect(String(write!.details.path)).toMatch(/^sam\/\d+\.txt$/);
  }, 120_000);

  it('the README’s first webapps, in Python and in Node, greet the viewer with their datasets, and refuse a viewer without a grant', async () => {
    for (const app of ['helloFlask', 'helloExpress']) {
      const page = async (login: string) => {
        const cookie = await world.signIn(apps[app].slug, await stack.login(login, USER_PASSWORD));
        return http(stack.gatewayPort, stack.hostOf(apps[app].slug), '/', { headers: { cookie } });
      };
      expect(await page('sam')).toMatchObject({ status: 200, body: 'Hello SAM. Your datasets: notes, sales-2026' });
      expect(await page('mia')).toMatchObject({ status: 200, body: 'Hello MIA. Your datasets: campaigns, notes' });
      const refused = await page('hana');
      expect([refused.status, refused.body]).toEqual([403, 'No group of the user this webapp runs as holds an impersonation grant on a group of the viewer.']);
    }
  }, 60_000);

  it('stopping the run from the API stops the example’s process within 2 s', async () => {
    const { pid, runId, proc } = runners.notes;
    expect(alive(pid)).toBe(true);
    const stopped = Date.now();
    expect((await stack.call('DELETE', `/api/v1/webapps/${apps.notes.id}/runs/${runId}`, undefined, world.admin)).status).toBe(204);
    const took = await within(2_000, async () => !alive(pid));
    expect(took).toBeLessThanOrEqual(2_000);
    expect(Date.now() - stopped).toBeLessThanOrEqual(2_500);
    await proc.waitFor(/stopping the process: the run was stopped/);
  }, 30_000);

  it('killing the example’s process stops its run', async () => {
    const { pid, runId } = runners.reports;
    const cookie = await world.signIn(apps.reports.slug, await stack.login('mia', USER_PASSWORD));
    process.kill(pid, 'SIGKILL');
    await within(3_000, async () => {
      const run = await stack.call<WebappRun>('GET', `/api/v1/webapps/${apps.reports.id}/runs/${runId}`, undefined, world.admin);
      return run.body.status === 'stopped';
    });
    // The gateway no longer routes to it.
    await within(2_000, async () => (await http(stack.gatewayPort, stack.hostOf(apps.reports.slug), '/', { headers: { cookie } })).status === 503);
  }, 30_000);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
