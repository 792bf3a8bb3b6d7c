import { ADMIN_PASSWORD, behalfCookieOf, http, Session, Stack } from './stack';

export const USER_PASSWORD = 'viewer-password-000';

/** People and webapps on a stack, made through the API as an admin would. */
export class World {
  admin!: Session;
  constructor(readonly stack: Stack) {}

  async init(): Promise<this> {
    this.admin = await this.stack.login('admin', ADMIN_PASSWORD);
    return this;
  }

  async user(login: string, email: string | null = `${login}@example.com`): Promise<{ id: string; login: string }> {
    const res = await this.stack.call<{ id: string; login: string }>(
      'POST',
      '/api/v1/users',
      { login, displayName: login.toUpperCase(), email, password: USER_PASSWORD },
      this.admin,
    );
    if (res.status !== 201) throw new Error(`user ${login}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async group(name: string, members: string[]): Promise<{ id: string }> {
    const res = await this.stack.call<{ id: string }>('POST', '/api/v1/groups', { name }, this.admin);
    for (const userId of members) await this.stack.call('PUT', `/api/v1/groups/${res.body.id}/members/${userId}`, undefined, this.admin);
    return res.body;
  }

  async webapp(name: string, settings: Record<string, unknown>): Promise<{ id: string; slug: string; url: string }> {
    const res = await this.stack.call<{ id: string; slug: string; url: string }>('POST', '/api/v1/webapps', { name, kind: 'standard' }, this.admin);
    if (res.status !== 201) throw new Error(`webapp ${name}: ${JSON.stringify(res.body)}`);
    const patched = await this.stack.call('PATCH', `/api/v1/webapps/${res.body.id}/settings`, settings, this.admin);
    if (patched.status !== 200) throw new Error(`settings of ${name}: ${JSON.stringify(patched.body)}`);
    return res.body;
  }

  /** Starts a run and reports its upstream, as a runtime does. */
  async run(webappId: string, upstream: string): Promise<{ runId: string; backendToken: string }> {
    const res = await this.stack.call<{ runId: string; backendToken: string }>('POST', `/api/v1/webapps/${webappId}/runs`, {}, this.admin);
    if (res.status !== 201) throw new Error(`run: ${JSON.stringify(res.body)}`);
    const put = await this.stack.call('PUT', `/api/v1/webapps/${webappId}/runs/${res.body.runId}/upstream`, { url: upstream }, res.body.backendToken);
    if (put.status !== 200) throw new Error(`upstream: ${JSON.stringify(put.body)}`);
    return res.body;
  }

  /** Waits (a second at most) until the gateway routes `slug` to a live run, as `cookie`'s viewer sees it. */
  async routed(slug: string, cookie?: string): Promise<void> {
    await within(1000, async () => {
      const res = await http(this.stack.gatewayPort, this.stack.hostOf(slug), '/', { headers: cookie ? { cookie } : {} });
      return res.status !== 404 && res.status !== 503;
    });
  }

  /**
   * The browser's round trip, by hand: the gateway sends the viewer to /oauth/authorize, whose
   * Behalf session approves; the gateway redeems the code. Answers the gateway's session cookie.
   */
  async signIn(slug: string, session: Session, path = '/'): Promise<string> {
    const host = this.stack.hostOf(slug);
    // A webapp just created is known to the gateway within a second.
    let first = await http(this.stack.gatewayPort, host, path, { headers: { accept: 'text/html' } });
    for (let i = 0; i < 20 && first.status === 404; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      first = await http(this.stack.gatewayPort, host, path, { headers: { accept: 'text/html' } });
    }
    if (first.status !== 302) throw new Error(`expected a redirect to sign in, got ${first.status}: ${first.body}`);
    const pending = behalfCookieOf(first.headers['set-cookie'], 'behalf_gw_auth');
    const authorize = new URL(String(first.headers.location));
    const approved = await fetch(`http://127.0.0.1:${this.stack.apiPort}${authorize.pathname}${authorize.search}`, {
      redirect: 'manual',
      headers: { cookie: session.cookie },
    });
    if (approved.status !== 303) throw new Error(`authorize answered ${approved.status}: ${await approved.text()}`);
    const callback = new URL(approved.headers.get('location')!);
    const back = await http(this.stack.gatewayPort, host, `${callback.pathname}${callback.search}`, { headers: { cookie: pending.pair } });
    if (back.status !== 302) throw new Error(`callback answered ${back.status}: ${back.body}`);
    return behalfCookieOf(back.headers['set-cookie'], 'behalf_gw').pair;
  }
}

/** Polls `check` until it holds (at most `ms`); answers how long that took. */
export async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
