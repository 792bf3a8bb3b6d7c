import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { behalfCookieIn, CSRF_COOKIE, type StartedRun, type Webapp, type WebappRun } from '@behalf/contracts';
import { BehalfClient, createBehalfClient } from '../api-client';
import { unwrap } from '../datasets';
import { BehalfError, ConfigurationError } from '../errors';
import { hold, HeldToken } from '../token-lifetime';

/** How the runner reaches Behalf, and as whom: an API key, or a login and password (a session). */
export interface RunnerAuth {
  apiKey?: string;
  login?: string;
  password?: string;
}

export interface RunnerOptions {
  /** Behalf's URL (the API). */
  url: string;
  auth: RunnerAuth;
  /** The webapp: its id, slug or name. */
  webapp: string;
  /** The command and its arguments; `$PORT` and `${PORT}` in them become the chosen port. */
  command: string[];
  /** How often the run's state is checked (ms); the process is stopped within this and 1 s of the run's end. */
  pollMs?: number;
  /** Where the runner says what it does (default: stderr). */
  log?: (line: string) => void;
  /** Environment the command inherits (default: this process's, without the runner's credentials). */
  env?: Record<string, string | undefined>;
}

/** Variables of the runner itself, never passed to the webapp's process. */
const RUNNER_SECRETS = ['BEHALF_API_KEY', 'BEHALF_PASSWORD', 'BEHALF_LOGIN'];
/** The exit code of a runner interrupted before it launched anything (as a shell reports SIGINT). */
const INTERRUPTED = 130;
/** SIGTERM first; SIGKILL if the process is still there after this. */
const KILL_GRACE_MS = 1_000;

/**
 * The local runner: starts a run of a webapp through the API, launches the command with the
 * launch spec as its environment, reports where it listens (the gateway routes to it), keeps
 * its backend token fresh in a 0600 file, and ties the two lives together: the process ending
 * stops the run; the run stopped (from the API or console), or its token no longer refreshable,
 * stops the process. Resolves with the process's exit code.
 */
export class Runner {
  private readonly log: (line: string) => void;
  private client!: BehalfClient;
  /** The API with the run's own backend token (the upstream is reported with it, and the run stopped when the runner's credential is refused). */
  private asRun!: BehalfClient;
  private child: ChildProcess | undefined;
  private run: StartedRun | undefined;
  private webapp: Webapp | undefined;
  private token: HeldToken | undefined;
  private tokenDir: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly options: RunnerOptions) {
    this.log = options.log ?? ((line) => process.stderr.write(`[behalf] ${line}\n`));
  }

  async start(): Promise<number> {
    if (!this.options.command.length) throw new ConfigurationError('Give the command to run after `--`.');
    this.client = await this.connect();
    this.webapp = await this.resolveWebapp(this.options.webapp);
    const port = await freePort();
    if (this.stopping) return INTERRUPTED;
    this.run = unwrap(await this.client.POST('/api/v1/webapps/{id}/runs', { params: { path: { id: this.webapp.id } }, body: {} })) as StartedRun;
    const started = this.run;
    this.asRun = createBehalfClient({ url: this.options.url, credential: () => this.token?.token ?? started.backendToken });
    this.log(`run ${this.run.runId} of ${this.webapp.name} started, as ${this.run.identity.login} (${this.run.identity.source})`);
    // Interrupted while the run was being started: it ends before anything is launched.
    if (this.stopping) {
      await this.stopRun('the runner was interrupted');
      return INTERRUPTED;
    }
    if (this.run.mounts.length) {
      this.log(`dataset mounts: none here (${this.run.mounts.map((m) => m.name).join(', ')} stay in Behalf's blob store); read them through the dataset API`);
    }
    this.tokenDir = mkdtempSync(join(tmpdir(), 'behalf-run-'));
    chmodSync(this.tokenDir, 0o700);
    const tokenFile = join(this.tokenDir, 'backend-token');
    this.writeToken(tokenFile, this.run.backendToken, true);

    const env = Object.fromEntries(
      Object.entries(this.options.env ?? process.env).filter(([name]) => !RUNNER_SECRETS.includes(name) && name !== 'BEHALF_BACKEND_TOKEN'),
    );
    Object.assign(env, {
      PORT: String(port),
      HOST: '127.0.0.1',
      BEHALF_URL: this.run.env.BEHALF_URL,
      BEHALF_WEBAPP_ID: this.run.env.BEHALF_WEBAPP_ID,
      BEHALF_RUN_ID: this.run.env.BEHALF_RUN_ID,
      BEHALF_BACKEND_TOKEN_FILE: tokenFile,
      // As Databricks Apps does: Streamlit reads its port and address from these.
      STREAMLIT_SERVER_PORT: String(port),
      STREAMLIT_SERVER_ADDRESS: '127.0.0.1',
      STREAMLIT_SERVER_HEADLESS: 'true',
      STREAMLIT_BROWSER_GATHER_USAGE_STATS: 'false',
    });
    const [command, ...args] = this.options.command.map((part) => part.replace(/\$\{PORT\}|\$PORT\b/g, String(port)));
    const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    this.child = child;
    const exited = new Promise<number>((resolveExit) => {
      child.once('exit', (code, signal) => resolveExit(code ?? (signal ? 128 + (signalNumber[signal] ?? 15) : 1)));
      child.once('error', (error) => {
        this.log(`could not start ${command}: ${error.message}`);
        resolveExit(127);
      });
    });
    this.log(`launched ${command} (pid ${child.pid}) on port ${port}`);

    this.timer = setInterval(() => void this.watch(tokenFile), this.options.pollMs ?? 500);
    void this.report(port, child);
    const code = await exited;
    clearInterval(this.timer);
    await this.stopRun('the process exited');
    rmSync(this.tokenDir, { recursive: true, force: true });
    return code;
  }

  /** Stops the process (a signal to the runner): the run is then stopped as the process exits. */
  interrupt(): void {
    this.kill('the runner was interrupted');
  }

  private async connect(): Promise<BehalfClient> {
    const { url, auth } = this.options;
    if (auth.apiKey) return createBehalfClient({ url, credential: auth.apiKey });
    if (!auth.login || !auth.password) throw new ConfigurationError('Set BEHALF_API_KEY (an API key), or BEHALF_LOGIN and BEHALF_PASSWORD.');
    const res = await fetch(`${url.replace(/\/+$/, '')}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: auth.login, password: auth.password }),
    });
    if (!res.ok) throw new ConfigurationError(`Behalf refused the login of ${auth.login} (HTTP ${res.status}).`);
    const cookies = res.headers.getSetCookie().map((line) => line.split(';')[0]);
    const csrf = behalfCookieIn(cookies.join('; '), CSRF_COOKIE) ?? '';
    const client = createBehalfClient({ url });
    client.use({
      onRequest({ request }) {
        request.headers.set('cookie', cookies.join('; '));
        request.headers.set('x-csrf-token', csrf);
        return request;
      },
    });
    return client;
  }

  private async resolveWebapp(wanted: string): Promise<Webapp> {
    let cursor: string | undefined;
    do {
      const page = unwrap(await this.client.GET('/api/v1/webapps', { params: { query: { limit: 200, cursor } } }));
      const found = (page.items as Webapp[]).find((w) => w.id === wanted || w.slug === wanted || w.name === wanted);
      if (found) return found;
      cursor = page.nextCursor;
    } while (cursor);
    throw new ConfigurationError(`No webapp ${JSON.stringify(wanted)} that you may see (give its id, slug or name).`);
  }

  /** Once the process listens on `port`, tells Behalf where: the gateway then routes viewers to it. */
  private async report(port: number, child: ChildProcess): Promise<void> {
    const run = this.run as StartedRun;
    const webapp = this.webapp as Webapp;
    while (!this.stopping && child.exitCode === null && !(await listening(port))) await sleep(200);
    if (this.stopping || child.exitCode !== null) return;
    try {
      unwrap(
        await this.asRun.PUT('/api/v1/webapps/{id}/runs/{runId}/upstream', {
          params: { path: { id: webapp.id, runId: run.runId } },
          body: { url: `http://127.0.0.1:${port}` },
        }),
      );
      this.log(`${webapp.url} → http://127.0.0.1:${port}`);
    } catch (error) {
      this.log(`could not report the upstream: ${(error as Error).message}`);
      this.kill('its upstream could not be reported');
    }
  }

  /** The run's state and the token's freshness, each tick. */
  private async watch(tokenFile: string): Promise<void> {
    if (this.stopping) return;
    const run = this.run as StartedRun;
    const webappId = (this.webapp as Webapp).id;
    try {
      const state = unwrap(await this.client.GET('/api/v1/webapps/{id}/runs/{runId}', { params: { path: { id: webappId, runId: run.runId } } })) as WebappRun;
      if (state.status === 'stopped') return this.kill(`the run was stopped (${state.stopReason ?? 'stopped'})`);
      if (this.token && Date.now() >= this.token.renewAt) {
        const fresh = unwrap(await this.client.POST('/api/v1/webapps/{id}/runs/{runId}/refresh', { params: { path: { id: webappId, runId: run.runId } } }));
        this.writeToken(tokenFile, fresh.backendToken, true);
      }
    } catch (error) {
      // The run gone, or its token no longer refreshable: the process must not outlive it.
      if (error instanceof BehalfError && error.status >= 400 && error.status < 500) return this.kill(`Behalf refused: ${error.message}`);
      this.log(`Behalf unreachable (${(error as Error).message}); retrying`);
      if (this.token && Date.now() >= this.token.expiresAt) this.kill('its backend token expired');
    }
  }

  private writeToken(file: string, token: string, justIssued: boolean): void {
    writeFileSync(`${file}.tmp`, token, { mode: 0o600 });
    // A rename is atomic: the webapp never reads half a token.
    renameSync(`${file}.tmp`, file);
    this.token = hold(token, Date.now(), justIssued);
  }

  private kill(why: string): void {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.timer);
    const child = this.child;
    if (!child?.pid || child.exitCode !== null) return;
    this.log(`stopping the process: ${why}`);
    const group = -child.pid;
    try {
      process.kill(group, 'SIGTERM');
    } catch {
      return;
    }
    setTimeout(() => {
      try {
        if (child.exitCode === null) process.kill(group, 'SIGKILL');
      } catch {
        // already gone
      }
    }, KILL_GRACE_MS).unref();
  }

  /**
   * Stops the run: with the runner's credential, else (that credential revoked, say) with the
   * run's own backend token, so a run never outlives its process.
   */
  private async stopRun(why: string): Promise<void> {
    this.stopping = true;
    const run = this.run as StartedRun;
    const webappId = (this.webapp as Webapp).id;
    const path = { params: { path: { id: webappId, runId: run.runId } } };
    const attempts = [() => this.client.DELETE('/api/v1/webapps/{id}/runs/{runId}', path), () => this.asRun.DELETE('/api/v1/webapps/{id}/runs/{runId}', path)];
    let failure = '';
    for (const attempt of attempts) {
      const answer = await attempt().catch((e: Error) => e);
      if (!(answer instanceof Error) && answer.response.ok) {
        this.log(`run ${run.runId} stopped: ${why}`);
        return;
      }
      failure = answer instanceof Error ? answer.message : `HTTP ${answer.response.status}`;
    }
    this.log(`could not stop run ${run.runId} (${failure}): stop it from the API or console`);
  }
}

const signalNumber: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolveUp) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveUp(true);
    });
    socket.once('error', () => resolveUp(false));
  });
}
