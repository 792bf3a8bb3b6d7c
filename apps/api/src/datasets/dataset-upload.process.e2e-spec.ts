import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Dataset, DatasetFile } from '@behalf/contracts';
import { ADMIN_PASSWORD, createTestDatabase, TestDatabase } from '../../test/harness';
import { spawnServer, stop, stopSpawned } from '../../test/spawn';
import { blobsDirectory } from './blob-store.provider';

const MiB = 1024 * 1024;
const UPLOAD_BYTES = 256 * MiB;
const MEMORY_BUDGET_BYTES = 64 * MiB;

/** The resident set of a process, from /proc (Linux). */
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

/** Samples `pid`'s RSS every 10 ms while `work` runs; its result and the highest sample. */
async function peakRssDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssOf(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 10);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, rssOf(pid)) };
  } finally {
    clearInterval(timer);
  }
}

/** `total` bytes of varied content in 64 KiB chunks, made as they are read; hashed on the way. */
function generated(total: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const chunk = Buffer.alloc(Math.min(64 * 1024, total - sent), sent / (64 * 1024));
      chunk.writeUInt32BE(sent, 0);
      sent += chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  let digest: string | undefined;
  return { stream, sha256: () => (digest ??= hash.digest('hex')) };
}

/** One HTTP request with a streamed body; the answer's status and body (hashed, not kept, when asked). */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Readable | string,
): Promise<{ status: number; text: string; bytes: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      let text = '';
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        hash.update(chunk);
        if (text.length < 4096) text += chunk.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode!, text, bytes, sha256: hash.digest('hex') }));
    });
    req.on('error', reject);
    if (body instanceof Readable) body.pipe(req);
    else req.end(body);
  });
}

/**
 * Uploads to the built server in its own process, so its memory can be measured and it can be
 * killed mid-upload.
 */
describe('dataset uploads to the API process', () => {
  let database: TestDatabase;
  let dataDir: string;

  beforeEach(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'behalf-upload-'));
  });
  afterEach(async () => {
    await stopSpawned();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const server = spawnServer({
      DATABASE_URL: database.url,
      BEHALF_DATA_DIR: dataDir,
      BEHALF_ADMIN_PASSWORD: ADMIN_PASSWORD,
      BEHALF_DATASET_FILE_MAX_BYTES: String(512 * MiB),
    });
    const base = await server.url;
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }),
    });
    const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0]);
    const csrf = cookies.find((c) => c.startsWith('behalf_csrf='))!.split('=')[1];
    const key = await fetch(`${base}/api/v1/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookies.join('; '), 'x-csrf-token': csrf },
      body: JSON.stringify({ name: 'upload test' }),
    });
    const authorization = `Bearer ${((await key.json()) as { key: string }).key}`;
    return { server, base, authorization };
  };

  it('streams a 256 MiB body to storage and back within 64 MiB of the idle memory', async () => {
    const { server, base, authorization } = await start();
    const pid = server.child.pid!;
    const created = await fetch(`${base}/api/v1/datasets`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'big' }),
    });
    const dataset = (await created.json()) as Dataset;
    const path = `/api/v1/datasets/${dataset.id}/files/big.bin`;

    // Warm up the upload and download paths, then let the process settle to its idle level.
    const warm = generated(8 * MiB);
    expect((await send(base, 'PUT', `${path}.warm`, { authorization, 'content-length': String(8 * MiB) }, warm.stream)).status).toBe(201);
    expect((await send(base, 'GET', `${path}.warm`, { authorization })).bytes).toBe(8 * MiB);
    await new Promise((r) => setTimeout(r, 1000));
    const idle = Math.min(rssOf(pid), rssOf(pid));

    const upload = generated(UPLOAD_BYTES);
    const put = await peakRssDuring(pid, () =>
      send(base, 'PUT', path, { authorization, 'content-type': 'application/octet-stream', 'content-length': String(UPLOAD_BYTES) }, upload.stream),
    );
    expect(put.result.status).toBe(201);
    expect(JSON.parse(put.result.text) as DatasetFile).toMatchObject({ size: UPLOAD_BYTES, sha256: upload.sha256() });

    const get = await peakRssDuring(pid, () => send(base, 'GET', path, { authorization }));
    expect({ status: get.result.status, bytes: get.result.bytes, sha256: get.result.sha256 }).toEqual({
      status: 200,
      bytes: UPLOAD_BYTES,
      sha256: upload.sha256(),
    });

    const growth = { idleMiB: idle / MiB, uploadPeakMiB: put.peak / MiB, downloadPeakMiB: get.peak / MiB };
    expect({ ...growth, withinBudget: put.peak - idle <= MEMORY_BUDGET_BYTES && get.peak - idle <= MEMORY_BUDGET_BYTES }).toEqual({
      ...growth,
      withinBudget: true,
    });
    expect(await stop(server)).toBe(0);
  }, 180_000);

  it('leaves only a temporary file when killed mid-upload, and start-up removes it', async () => {
    const first = await start();
    const created = await fetch(`${first.base}/api/v1/datasets`, {
      method: 'POST',
      headers: { authorization: first.authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'crash' }),
    });
    const dataset = (await created.json()) as Dataset;
    const path = `/api/v1/datasets/${dataset.id}/files/crash.bin`;
    const temporary = join(blobsDirectory(dataDir), '.tmp');

    // 1 MiB of a declared 64 MiB, then silence: the upload is under way when the process dies.
    const body = new Readable({ read() {} });
    body.push(Buffer.alloc(MiB, 7));
    const upload = send(first.base, 'PUT', path, { authorization: first.authorization, 'content-length': String(64 * MiB) }, body).catch(
      (error: Error) => error,
    );
    for (let waited = 0; (await readdir(temporary).catch(() => [])).length === 0; waited += 50) {
      if (waited > 10_000) throw new Error('the upload never reached the blob store');
      await new Promise((r) => setTimeout(r, 50));
    }
    first.server.child.kill('SIGKILL');
    await first.server.exited;
    // The client saw its connection die, not an answer.
    expect(await upload).toMatchObject({ code: 'ECONNRESET' });
    const [left] = await readdir(temporary);
    expect(left).toBeDefined();

    // Time passes beyond two upload idle timeouts: no live upload can own the file any more.
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(join(temporary, left), old, old);
    const second = await start();
    expect(await readdir(temporary)).toEqual([]);
    expect(await readdir(blobsDirectory(dataDir))).toEqual(['.tmp']);
    const res = await fetch(`${second.base}${path}`, { headers: { authorization: second.authorization } });
    expect(res.status).toBe(404);
    expect(await stop(second.server)).toBe(0);
  }, 60_000);
});
