import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Clock } from '../src/kernel/clock';
import { sessionFromLogin } from '@behalf/testing';
import { ADMIN_PASSWORD } from './harness';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Response {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
}

/** A caller of the API: how it authenticates is decided once, every request carries it. */
export interface Client {
  request(method: Method, url: string, payload?: unknown, headers?: Record<string, string>): Promise<Response>;
}

export function anonymous(app: NestFastifyApplication): Client {
  return {
    request: (method, url, payload, headers = {}) => app.inject({ method, url, payload: payload as object | undefined, headers }) as Promise<Response>,
  };
}

/** Sends `Authorization: Bearer <token>`: an API key, a backend token, or anything a test forges. */
export function withBearer(app: NestFastifyApplication, token: string): Client {
  return {
    request: (method, url, payload, headers = {}) => anonymous(app).request(method, url, payload, { authorization: `Bearer ${token}`, ...headers }),
  };
}

export const withApiKey = withBearer;

/** The session cookie's name here: the harness runs with NODE_ENV=test, where cookies are Secure. */
export const SESSION = '__Host-behalf_session';
export const CSRF = '__Host-behalf_csrf';

export interface SessionClient extends Client {
  sessionCookie: string;
  csrfToken: string;
}

/** Logs in with a password; the client sends the session cookie, and the CSRF token on writes. */
export async function loginAs(app: NestFastifyApplication, login: string, password: string): Promise<SessionClient> {
  const res = (await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login, password } })) as Response;
  if (res.statusCode !== 200) throw new Error(`login as ${login} failed: ${res.statusCode} ${res.body}`);
  const { token: sessionCookie, csrf: csrfToken, cookie } = sessionFromLogin(res.headers['set-cookie'] as string[]);
  return {
    sessionCookie,
    csrfToken,
    request: (method, url, payload, headers = {}) =>
      anonymous(app).request(method, url, payload, {
        cookie,
        ...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken }),
        ...headers,
      }),
  };
}

export const loginAsAdmin = (app: NestFastifyApplication) => loginAs(app, 'admin', ADMIN_PASSWORD);

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start = Date.parse('2030-01-01T00:00:00.000Z')) {
    this.current = start;
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** Asserts an RFC 9457 problem and returns its body. */
export function expectProblem(res: Response, status: number, type?: string): Record<string, unknown> {
  expect({ status: res.statusCode, body: res.statusCode === status ? undefined : res.body }).toEqual({ status, body: undefined });
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = res.json<Record<string, unknown>>();
  expect(body.status).toBe(status);
  if (type) expect(body.type).toBe(`https://behalf.dev/problems/${type}`);
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body;
}

/** The field paths of a 400 validation problem. */
export function fieldErrors(res: Response): string[] {
  const body = expectProblem(res, 400, 'validation-failed');
  return (body.errors as { path: string }[]).map((e) => e.path).sort();
}
