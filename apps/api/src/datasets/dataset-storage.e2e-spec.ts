import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '@behalf/contracts';
import { loginAsAdmin } from '../../test/clients';
import { createDataset, fileUrl, putFile } from '../../test/fixtures/datasets';
import { apiKeyClient } from '../../test/fixtures/identity';
import { createTestDatabase, sql, startTestApp, TestApp, TestDatabase } from '../../test/harness';
import { blobsDirectory } from './blob-store.provider';

const sha256 = (content: Buffer | string) => createHash('sha256').update(content).digest('hex');

/**
 * The blob store under load and after crashes, over real sockets. The app runs on a database and
 * data directory the file owns, so the last test can start the API again on both. (One API per
 * process at a time: Passport's strategies are process-wide.)
 */
describe('dataset storage', () => {
  let database: TestDatabase;
  let dataDir: string;
  let t: TestApp;
  let base: string;
  let authorization: string;
  let dataset: Dataset;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'behalf-storage-'));
    t = await startTestApp({ database, env: { BEHALF_DATA_DIR: dataDir } });
    const admin = await loginAsAdmin(t.app);
    authorization = `Bearer ${(await apiKeyClient(t.app, admin)).key}`;
    dataset = await createDataset(admin);
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('gives every read one complete version while 20 writers and 20 readers share one path', async () => {
    // Distinct versions of distinct sizes, each big enough to take many chunks to write and read.
    const versions = Array.from({ length: 20 }, (_, i) => Buffer.concat([Buffer.from(`version ${i}\n`), Buffer.alloc(256 * 1024 + i * 4096, i)]));
    const known = new Set(versions.map((v) => sha256(v)));
    const url = `${base}${fileUrl(dataset.id, 'shared/table.parquet')}`;
    const put = (content: Buffer) => fetch(url, { method: 'PUT', headers: { authorization, 'content-type': 'application/vnd.apache.parquet' }, body: content });
    expect((await put(versions[0])).status).toBe(201);

    let writing = true;
    const writes: number[] = [];
    const reads: { status: number; etag: string | null; length: string | null; bytes: number; hash: string }[] = [];
    const writers = versions.map(async (version) => {
      for (let round = 0; round < 3; round++) writes.push((await put(version)).status);
    });
    const readers = Array.from({ length: 20 }, async () => {
      for (let n = 0; writing || n < 5; n++) {
        const res = await fetch(url, { headers: { authorization } });
        const body = Buffer.from(await res.arrayBuffer());
        reads.push({ status: res.status, etag: res.headers.get('etag'), length: res.headers.get('content-length'), bytes: body.length, hash: sha256(body) });
      }
    });
    await Promise.all(writers);
    writing = false;
    await Promise.all(readers);

    expect(writes.every((s) => s === 200)).toBe(true);
    expect(writes).toHaveLength(60);
    expect(reads.length).toBeGreaterThanOrEqual(100);
    // Each read is one whole version, described by its own headers.
    const torn = reads.filter((r) => r.status !== 200 || !known.has(r.hash) || r.etag !== `"${r.hash}"` || r.length !== String(r.bytes));
    expect(torn).toEqual([]);
    // The readers did see the content change under them.
    expect(new Set(reads.map((r) => r.hash)).size).toBeGreaterThan(1);

    // Afterwards one blob remains, the one the metadata names, with its size and hash.
    const [row] = await sql<{ blob_id: string; size: string; sha256: string }>(
      database.url,
      'SELECT blob_id, size, sha256 FROM dataset_files WHERE dataset_id = $1',
      [dataset.id],
    );
    const root = blobsDirectory(dataDir);
    expect(await readdir(join(root, dataset.id))).toEqual([row.blob_id]);
    const stored = await readFile(join(root, dataset.id, row.blob_id));
    expect({ size: stored.length, sha256: sha256(stored) }).toEqual({ size: Number(row.size), sha256: row.sha256 });
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
  });

  it('removes at start-up what crashed uploads and deletions left, and nothing within the grace period', async () => {
    const admin = await loginAsAdmin(t.app);
    const live = await putFile(admin, dataset.id, 'live.txt', 'live');
    const root = blobsDirectory(dataDir);
    const name = (n: number) => `3f1e2f6a-0000-4000-8000-00000000000${n}`;
    // What a crash leaves: a half-written upload, a blob stored but never named (the crash came
    // between the rename and the commit), and the blobs of a dataset whose deletion was cut short.
    const garbage = [join(root, '.tmp', name(1)), join(root, dataset.id, name(2)), join(root, name(3), name(4))];
    // A temporary file just written may be an upload still running on another replica.
    const inFlight = join(root, '.tmp', name(5));
    await mkdir(join(root, name(3)));
    for (const path of [...garbage, inFlight]) await writeFile(path, 'partial');
    // Older than two upload idle timeouts (2 × 60 s): no live upload leaves a file untouched that long.
    const old = new Date(Date.now() - 5 * 60_000);
    for (const path of garbage) await utimes(path, old, old);
    await t.close();

    t = await startTestApp({ database, env: { BEHALF_DATA_DIR: dataDir, BEHALF_UPLOAD_IDLE_TIMEOUT_SECONDS: '60' } });
    expect(await readdir(join(root, '.tmp'))).toEqual([name(5)]);
    expect((await readdir(root)).sort()).toEqual(['.tmp', dataset.id].sort());
    expect((await readdir(join(root, dataset.id))).sort()).toHaveLength(2);
    expect(t.logs.text).toContain('"sweep":{"temporaryFiles":1,"orphanBlobs":1,"orphanNamespaces":1}');
    const again = await loginAsAdmin(t.app);
    const res = await again.request('GET', fileUrl(dataset.id, 'live.txt'));
    expect({ body: res.body, etag: res.headers.etag }).toEqual({ body: 'live', etag: `"${live.sha256}"` });
  });
});
