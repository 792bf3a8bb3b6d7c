import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN_PASSWORD } from '../harness';
import { Server, spawnServer, stopSpawned } from '../spawn';

const TIMEOUT_MS = 1000;

/** Every process of a cluster: the postmaster (first line of postmaster.pid) and its children. */
async function clusterProcesses(dataDir: string): Promise<number[]> {
  const postmaster = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // After the command name (in parentheses): the state, then the parent's pid.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === postmaster) children.push(Number(entry));
  }
  return [postmaster, ...children];
}

/**
 * Attack 10 of issue 14: a stalled database (every PostgreSQL process stopped with SIGSTOP) must
 * turn into 503 problems with Retry-After within the configured timeouts, not requests that hang
 * as long as it is stalled; once it resumes (SIGCONT) the API serves normally. The real server
 * runs in a process of its own with its own embedded PostgreSQL, so the stall touches no other
 * test; it is driven over real HTTP.
 */
describe('a stalled database', () => {
  let server: Server;
  let url: string;
  let dataDir: string;
  let key: string;
  let paused: number[] = [];

  const resume = () => {
    for (const pid of paused.reverse()) process.kill(pid, 'SIGCONT');
    paused = [];
  };
  const call = async (method: string, path: string, body?: unknown, bearer = true) => {
    const started = Date.now();
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...(bearer ? { authorization: `Bearer ${key}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown>, ms: Date.now() - started };
  };

  beforeAll(async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    dataDir = await mkdtemp(join(tmpdir(), 'behalf-stall-'));
    server = spawnServer({
      BEHALF_DATA_DIR: dataDir,
      BEHALF_ADMIN_PASSWORD: ADMIN_PASSWORD,
      BEHALF_DB_STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS),
      BEHALF_DB_ACQUIRE_TIMEOUT_MS: String(TIMEOUT_MS),
    });
    url = await server.url;
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }),
    });
    const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0]);
    const csrf = cookies.find((c) => c.startsWith('behalf_csrf='))!.split('=')[1];
    const created = await fetch(`${url}/api/v1/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookies.join('; '), 'x-csrf-token': csrf },
      body: JSON.stringify({ name: 'stall test' }),
    });
    key = ((await created.json()) as { key: string }).key;
  }, 180_000);

  afterAll(async () => {
    resume();
    await stopSpawned();
    const { rm } = await import('node:fs/promises');
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('answers 503 problems with Retry-After within seconds while paused, then serves again once resumed', async () => {
    expect((await call('GET', '/api/v1/users')).status).toBe(200);
    paused = await clusterProcesses(join(dataDir, 'pg'));
    expect(paused.length).toBeGreaterThan(1);
    for (const pid of paused) process.kill(pid, 'SIGSTOP');
    try {
      const answers = await Promise.all([
        call('GET', '/api/v1/users'),
        call('POST', '/api/v1/groups', { name: 'made-while-stalled' }),
        call('POST', '/api/v1/auth/login', { login: 'admin', password: 'whatever-password' }, false),
        call('GET', '/api/v1/users'),
      ]);
      for (const answer of answers) {
        expect({ status: answer.status, type: answer.body.type }).toEqual({ status: 503, type: 'https://behalf.dev/problems/service-unavailable' });
        expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(JSON.stringify(answer.body)).not.toMatch(/timeout exceeded|Query read|postgres/i);
        // Bounded by the timeouts (a few of them in a row at most), not by the pause.
        expect(answer.ms).toBeLessThan(8 * TIMEOUT_MS);
      }
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
    } finally {
      resume();
    }
    // Back to normal: the pools replace what the stall broke.
    const deadline = Date.now() + 30_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await call('GET', '/api/v1/users')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    expect((await call('POST', '/api/v1/groups', { name: 'made-after-the-stall' })).status).toBe(201);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(server.output()).not.toMatch(/unhandled error while serving request/);
  }, 120_000);
});
