import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import WebSocket from 'ws';
import { cookieName, CSRF_COOKIE, SESSION_COOKIE } from '@behalf/contracts';

/**
 * The whole path a viewer takes, for the gateway's end-to-end tests: a database cloned from the
 * run's migrated template (jest's global set-up), the built API and the built gateway each in
 * their own process on free ports, and real upstream webapps. Nothing is mocked.
 */
const ROOT = resolve(__dirname, '../../..');
export const ADMIN_PASSWORD = 'gateway-admin-password-0';
const KEK = `1:${Buffer.alloc(32, 0x47).toString('base64')}`;

const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is unset: run through jest, whose global set-up provides it.`);
  return value;
};

/** How the gateway is started everywhere: its Node flags (apps/gateway/src/node-flags.ts, as built) and its entry point. */
export function gatewayArgs(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { GATEWAY_NODE_FLAGS } = require(join(ROOT, 'dist/apps/gateway/node-flags.js')) as { GATEWAY_NODE_FLAGS: string[] };
  return [...GATEWAY_NODE_FLAGS, join(ROOT, 'dist/apps/gateway/main.js')];
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

export interface Proc {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

export function start(command: string, args: string[], env: Record<string, string>, cwd = ROOT): Proc {
  const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return {
    child,
    output: () => output,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolveMatch, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) {
            cleanup();
            resolveMatch(match);
          } else if (child.exitCode !== null) {
            cleanup();
            reject(new Error(`${command} exited (${child.exitCode}) before ${pattern}:\n${output}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', check);
        };
        waiters.add(check);
        child.on('exit', check);
        check();
      });
    },
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** For `afterAll`: kills anything a test file left running. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map((child) => new Promise<void>((done) => (child.exitCode !== null ? done() : child.once('exit', () => done()).kill('SIGKILL')))),
  );
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * One HTTP request to 127.0.0.1:`port` with the Host header given (as a browser sends it to
 * `<slug>.localhost`); raw header lists are sent as they are (spellings and repeats kept).
 */
export function http(
  port: number,
  host: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> | string[]; body?: string | Buffer } = {},
): Promise<HttpAnswer> {
  return new Promise((resolveAnswer, reject) => {
    const headers = Array.isArray(options.headers) ? ['Host', host, ...options.headers] : { host, ...options.headers };
    const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: headers as never, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
      res.on('error', reject);
    });
    // A server may answer (413, say) and close before the whole body is written: the answer counts.
    req.on('error', (error) => setTimeout(() => reject(error), 500));
    req.end(options.body);
  });
}

/** A websocket to the gateway for `host`, resolving `*.localhost` to loopback. */
export function websocket(port: number, host: string, path: string, protocols: string[], headers: Record<string, string>): WebSocket {
  return new WebSocket(`ws://${host}${path}`, protocols, {
    headers,
    lookup: ((_h: string, _o: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) =>
      cb(null, [{ address: '127.0.0.1', family: 4 }])) as never,
    port,
  } as never);
}

export function cookieOf(setCookie: string | string[] | undefined, name: string): string | undefined {
  for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
    const [pair] = line.split(';');
    const [key, ...value] = pair.split('=');
    if (key.trim() === name) return value.join('=');
  }
  return undefined;
}

/**
 * Behalf's cookie `base` in a Set-Cookie list under the name it was set with: `__Host-<base>`
 * where Secure, `<base>` in development over plain HTTP. Throws when neither is there.
 */
export function behalfCookieOf(setCookie: string | string[] | undefined, base: string): { name: string; value: string; pair: string } {
  for (const name of [cookieName(base, true), base]) {
    const value = cookieOf(setCookie, name);
    if (value) return { name, value, pair: `${name}=${value}` };
  }
  throw new Error(`no ${base} cookie was set`);
}

/** A login answer's session: its token and CSRF token, and the Cookie header that sends both back. */
export function sessionFromLogin(setCookie: string | string[] | undefined): { token: string; csrf: string; cookie: string } {
  const session = behalfCookieOf(setCookie, SESSION_COOKIE);
  const csrf = behalfCookieOf(setCookie, CSRF_COOKIE);
  return { token: session.value, csrf: csrf.value, cookie: `${session.pair}; ${csrf.pair}` };
}

export interface Stack {
  apiPort: number;
  gatewayPort: number;
  /** The API as browsers reach it (the issuer). */
  publicUrl: string;
  apiKey: string;
  database: string;
  api: Proc;
  gateway: Proc;
  hostOf(slug: string): string;
  /** A JSON call to the API; `auth` is a bearer credential or a session's cookie and CSRF token. */
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, auth?: string | Session): Promise<{ status: number; body: T }>;
  login(login: string, password: string): Promise<Session>;
  /** Runs SQL on the stack's database. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export interface Session {
  cookie: string;
  csrf: string;
  token: string;
}

/** A database of its own for a test file, cloned from the run's migrated template (jest's global set-up made it). */
export async function cloneTestDatabase(tag: string): Promise<{ database: string; url: URL; drop(): Promise<void> }> {
  const adminUrl = required('BEHALF_TEST_ADMIN_URL');
  const database = `${required('BEHALF_TEST_DB_PREFIX')}${tag}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database} TEMPLATE ${required('BEHALF_TEST_TEMPLATE_DB')}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const drop = async () => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await client.end();
  };
  return { database, url, drop };
}

export interface StackOptions {
  /**
   * Cookies as outside development: the API runs with NODE_ENV=test, its cookies Secure and named
   * `__Host-…` (Chromium keeps Secure cookies from http://localhost). Else development's plain ones.
   */
  secureCookies?: boolean;
  /**
   * Webapp origins said to be https (`https://*.localhost:<port>`): the gateway's cookies then
   * Secure and `__Host-…`. For HTTP-level tests only: nothing here speaks TLS.
   */
  httpsApps?: boolean;
}

/** The API and the gateway on a fresh database; `gatewayEnv` and `apiEnv` add to each one's settings. */
export async function startStack(gatewayEnv: Record<string, string> = {}, apiEnv: Record<string, string> = {}, options: StackOptions = {}): Promise<Stack> {
  const { database, url: dbUrl, drop } = await cloneTestDatabase('gw');
  const [apiPort, gatewayPort] = [await freePort(), await freePort()];
  const publicUrl = `http://localhost:${apiPort}`;
  const apiKey = `bhk_${randomUUID()}_${randomBytes(32).toString('base64url')}`;
  const shared = {
    BEHALF_PUBLIC_URL: publicUrl,
    BEHALF_APPS_URL: `${options.httpsApps ? 'https' : 'http'}://*.localhost:${gatewayPort}`,
    BEHALF_GATEWAY_API_KEY: apiKey,
    BEHALF_LOG_LEVEL: 'info',
  };
  const api = start(process.execPath, [join(ROOT, 'dist/apps/api/main.js')], {
    ...shared,
    DATABASE_URL: dbUrl.toString(),
    PORT: String(apiPort),
    BEHALF_KEK: KEK,
    BEHALF_ADMIN_PASSWORD: ADMIN_PASSWORD,
    BEHALF_DATA_DIR: join(ROOT, 'dist', `.gateway-test-${database}`),
    ...(options.secureCookies ? { NODE_ENV: 'test' } : {}),
    ...apiEnv,
  });
  await api.waitFor(/Behalf API listening/);
  const gateway = start(process.execPath, gatewayArgs(), {
    ...shared,
    BEHALF_API_URL: `http://127.0.0.1:${apiPort}`,
    BEHALF_GATEWAY_PORT: String(gatewayPort),
    ...gatewayEnv,
  });
  await gateway.waitFor(/Behalf gateway on/);

  const call = async <T>(method: string, path: string, body?: unknown, auth?: string | Session) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (typeof auth === 'string') headers.authorization = `Bearer ${auth}`;
    else if (auth) Object.assign(headers, { cookie: auth.cookie, 'x-csrf-token': auth.csrf });
    const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return {
    apiPort,
    gatewayPort,
    publicUrl,
    apiKey,
    database,
    api,
    gateway,
    hostOf: (slug) => `${slug}.localhost:${gatewayPort}`,
    call,
    async login(login, password) {
      const res = await fetch(`http://127.0.0.1:${apiPort}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login, password }),
      });
      if (res.status !== 200) throw new Error(`login ${login}: ${res.status} ${await res.text()}`);
      return sessionFromLogin(res.headers.getSetCookie());
    },
    async sql(text, params = []) {
      const client = new Client({ connectionString: dbUrl.toString() });
      await client.connect();
      try {
        return (await client.query(text, params)).rows;
      } finally {
        await client.end();
      }
    },
    async stop() {
      await gateway.stop();
      await api.stop();
      await drop();
    },
  };
}
