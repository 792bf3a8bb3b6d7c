import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { AuditEvent, Dataset, DatasetFile, Page } from '@behalf/contracts';
import { expectProblem, fieldErrors, loginAsAdmin, SessionClient } from '../../test/clients';
import { backendRunningAs, createDataset, fileUrl, grantDataset, putFile } from '../../test/fixtures/datasets';
import { addMember, apiKeyClient, createGroup, userSession } from '../../test/fixtures/identity';
import { sql, startTestApp, TestApp } from '../../test/harness';
import { ChangeFeed } from '../platform/cache/change-feed.service';
import { blobsDirectory } from './blob-store.provider';

const MAX_FILE_BYTES = 64 * 1024;
const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

describe('dataset files', () => {
  let t: TestApp;
  let admin: SessionClient;
  let dataset: Dataset;

  beforeAll(async () => {
    // A JSON body limit far below the file limit shows that uploads never go through the JSON parser.
    t = await startTestApp({ env: { BEHALF_DATASET_FILE_MAX_BYTES: String(MAX_FILE_BYTES), BEHALF_BODY_LIMIT: '1024' } });
    admin = await loginAsAdmin(t.app);
    dataset = await createDataset(admin);
  });
  afterAll(() => t.close());

  const url = (path: string) => fileUrl(dataset.id, path);

  describe('paths', () => {
    /** Over a socket, so the path arrives exactly as written (inject would resolve dot segments). */
    const raw = (method: string, path: string, body?: string) =>
      new Promise<{ statusCode: number; json: () => { type: string; errors?: unknown } }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port: port,
            method,
            path: url(path),
            headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'text/plain' }) },
          },
          (res) => {
            let text = '';
            res
              .setEncoding('utf8')
              .on('data', (chunk: string) => (text += chunk))
              .on('end', () => resolve({ statusCode: res.statusCode!, json: () => JSON.parse(text) }));
          },
        );
        request.on('error', reject).end(body);
      });
    let port: number;
    let apiKey: string;
    beforeAll(async () => {
      await t.app.listen(0, '127.0.0.1');
      port = (t.app.getHttpServer().address() as AddressInfo).port;
      apiKey = (await apiKeyClient(t.app, admin)).key;
    });

    it.each([
      ['', 'expected a path of 1 to 1024 bytes'],
      ['a//b', 'expected no empty segment ("//", or a leading or trailing "/")'],
      ['a/', 'expected no empty segment ("//", or a leading or trailing "/")'],
      ['/a', 'expected no empty segment ("//", or a leading or trailing "/")'],
      ['.', 'expected no "." segment'],
      ['a/./b', 'expected no "." segment'],
      ['..', 'expected no ".." segment'],
      ['a/../b', 'expected no ".." segment'],
      ['../../../etc/passwd', 'expected no ".." segment'],
      ['%2e%2e', 'expected no ".." segment'],
      ['a/%2E%2e/b', 'expected no ".." segment'],
      ['.%2e/etc/passwd', 'expected no ".." segment'],
      ['%2E', 'expected no "." segment'],
      ['a%2Fb', 'expected no encoded "/" inside a segment'],
      ['a%2f..%2fb', 'expected no encoded "/" inside a segment'],
      ['a%5Cb', 'expected no backslash'],
      ['..%5C..%5Cwin.ini', 'expected no backslash'],
      // Refused for every field of every route before the route's own rules (http/input-text.ts).
      ['a%00b', 'must not contain NUL characters'],
      ['a%01b', 'expected no control character'],
      ['a%0Ab', 'expected no control character'],
      ['a%7Fb', 'expected no control character'],
      ['a%C2%85b', 'expected no control character'],
      ['a'.repeat(1025), 'expected a path of 1 to 1024 bytes'],
      ['%C3%A9'.repeat(513), 'expected a path of 1 to 1024 bytes'],
    ])('refuses %j on PUT, GET and DELETE: %s', async (path, message) => {
      for (const method of ['PUT', 'GET', 'DELETE']) {
        const res = await raw(method, path, method === 'PUT' ? 'x' : undefined);
        expect({ status: res.statusCode, problem: res.json() }).toMatchObject({
          status: 400,
          problem: { type: 'https://behalf.dev/problems/validation-failed', errors: [{ path: 'params.path', message }] },
        });
      }
    });

    // Percent-encoding that is not UTF-8 the router itself refuses, as a malformed URL.
    it.each(['a%ZZ', 'a%C3', 'a%FF', 'a%'])('refuses %j as a bad URL', async (path) => {
      for (const method of ['PUT', 'GET', 'DELETE']) {
        const res = await raw(method, path, method === 'PUT' ? 'x' : undefined);
        expect({ status: res.statusCode, type: res.json().type }).toEqual({ status: 400, type: 'https://behalf.dev/problems/bad-request' });
      }
    });

    it('stores nothing for a refused path', async () => {
      expect(await sql(t.database.url, 'SELECT path FROM dataset_files WHERE dataset_id = $1', [dataset.id])).toEqual([]);
    });

    it('takes UTF-8 segments up to 1024 bytes, decoded once and listed as such', async () => {
      const longest = 'a'.repeat(1024);
      expect((await admin.request('PUT', url(longest), 'x')).statusCode).toBe(201);
      const unicode = 'données/été 2026/ventes+taxes.csv';
      const encoded = unicode.split('/').map(encodeURIComponent).join('/');
      const put = await admin.request('PUT', url(encoded), 'a,b', { 'content-type': 'text/csv' });
      expect(put.statusCode).toBe(201);
      expect(put.json<DatasetFile>().path).toBe(unicode);
      // "%25" is a literal "%" in a name, decoded exactly once.
      expect((await admin.request('PUT', url('100%25.txt'), 'x')).json<DatasetFile>().path).toBe('100%.txt');
      expect((await admin.request('GET', url(encoded))).body).toBe('a,b');
      const listed = (await admin.request('GET', `/api/v1/datasets/${dataset.id}/files?prefix=${encodeURIComponent('données/')}`)).json<Page<DatasetFile>>();
      expect(listed.items.map((f) => f.path)).toEqual([unicode]);
    });
  });

  describe('uploads', () => {
    it('takes any media type raw, never parsed, and stores it with the file', async () => {
      const json = JSON.stringify({ rows: 'x'.repeat(10_000) });
      const put = await admin.request('PUT', url('data.json'), json, { 'content-type': 'application/json' });
      expect(put.statusCode).toBe(201);
      expect(put.json<DatasetFile>()).toMatchObject({ path: 'data.json', size: json.length, contentType: 'application/json', sha256: sha256(json) });
      const broken = await admin.request('PUT', url('broken.json'), '{"not": json', { 'content-type': 'application/json' });
      expect(broken.statusCode).toBe(201);
      const get = await admin.request('GET', url('broken.json'));
      expect(get.body).toBe('{"not": json');
      expect(get.headers['content-type']).toBe('application/json');

      const untyped = await admin.request('PUT', url('untyped'), Buffer.from([0, 1, 2]), { 'content-type': '' });
      expect(untyped.json<DatasetFile>().contentType).toBe('application/octet-stream');
      expect(fieldErrors(await admin.request('PUT', url('bad-type'), 'x', { 'content-type': 'not a media type' }))).toEqual(['headers.content-type']);
    });

    it('keeps this replica’s policy caches: file and dataset writes change nothing decisions depend on', async () => {
      const feed = t.app.get(ChangeFeed);
      const before = feed.generation;
      await putFile(admin, dataset.id, 'cache.txt', 'x');
      expect((await admin.request('DELETE', url('cache.txt'))).statusCode).toBe(204);
      await createDataset(admin);
      expect(feed.generation).toBe(before);
    });

    it('stores an empty file', async () => {
      const put = await admin.request('PUT', url('empty'), '', { 'content-type': 'text/plain' });
      expect(put.json<DatasetFile>()).toMatchObject({ size: 0, sha256: sha256('') });
      const get = await admin.request('GET', url('empty'));
      expect({ status: get.statusCode, body: get.body, length: get.headers['content-length'] }).toEqual({ status: 200, body: '', length: '0' });
    });

    it('answers 201 for a new file and 200 for a replaced one, auditing each', async () => {
      expect((await admin.request('PUT', url('v.txt'), 'one')).statusCode).toBe(201);
      expect((await admin.request('PUT', url('v.txt'), 'two')).statusCode).toBe(200);
      expect((await admin.request('GET', url('v.txt'))).body).toBe('two');
      const audit = (await admin.request('GET', '/api/v1/audit-events?limit=200')).json<Page<AuditEvent>>().items.filter((e) => e.details.path === 'v.txt');
      expect(audit.map((e) => e.action).sort()).toEqual(['dataset.file.create', 'dataset.file.replace']);
    });

    it('refuses a body over the limit with 413, by its Content-Length or as it streams, and keeps nothing of it', async () => {
      expect((await admin.request('PUT', url('limit.bin'), Buffer.alloc(MAX_FILE_BYTES, 1))).statusCode).toBe(201);
      const declared = await admin.request('PUT', url('declared.bin'), Buffer.alloc(MAX_FILE_BYTES + 1, 1));
      expectProblem(declared, 413, 'payload-too-large');
      expect(declared.headers.connection).toBe('close');
      // No Content-Length: chunked, so the limit is enforced on the bytes themselves.
      const chunks = Readable.from(
        (function* () {
          for (let i = 0; i < 20; i++) yield Buffer.alloc(4096, i);
        })(),
      );
      expectProblem(await admin.request('PUT', url('streamed.bin'), chunks as never), 413, 'payload-too-large');
      // An existing file is kept as it was when its replacement is refused.
      expectProblem(await admin.request('PUT', url('limit.bin'), Buffer.alloc(MAX_FILE_BYTES + 1, 2)), 413);
      expect((await admin.request('GET', url('limit.bin'))).headers.etag).toBe(`"${sha256(Buffer.alloc(MAX_FILE_BYTES, 1))}"`);
      expect(
        await sql(t.database.url, `SELECT path FROM dataset_files WHERE dataset_id = $1 AND path IN ('declared.bin', 'streamed.bin')`, [dataset.id]),
      ).toEqual([]);
      expect(await readdir(join(blobsDirectory(t.config.dataDir), '.tmp'))).toEqual([]);
    });
    it('answers 404 and keeps nothing when the dataset is deleted while an upload streams in', async () => {
      const doomed = await createDataset(admin);
      const body = new Readable({ read() {} });
      body.push('first half,');
      const upload = admin.request('PUT', fileUrl(doomed.id, 'late.csv'), body as never, { 'content-type': 'text/csv' });
      const temporary = join(blobsDirectory(t.config.dataDir), '.tmp');
      while ((await readdir(temporary)).length === 0) await new Promise((r) => setTimeout(r, 10));
      expect((await admin.request('DELETE', `/api/v1/datasets/${doomed.id}`)).statusCode).toBe(204);
      body.push('second half');
      body.push(null);
      expectProblem(await upload, 404, 'not-found');
      expect(await readdir(temporary)).toEqual([]);
      expect(await readdir(join(blobsDirectory(t.config.dataDir), doomed.id)).catch(() => [])).toEqual([]);
    });
  });

  describe('downloads', () => {
    const content = '0123456789';
    let etag: string;
    beforeAll(async () => {
      etag = `"${(await putFile(admin, dataset.id, 'digits.txt', content, 'text/plain; charset=utf-8')).sha256}"`;
    });

    it('streams the content with its type, length, a strong ETag, and headers that keep browsers from running it', async () => {
      const res = await admin.request('GET', url('digits.txt'));
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(content);
      expect(res.headers).toMatchObject({
        'content-type': 'text/plain; charset=utf-8',
        'content-length': '10',
        etag: `"${sha256(content)}"`,
        'accept-ranges': 'bytes',
        'content-disposition': 'attachment',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "sandbox; default-src 'none'",
      });
      expect(etag).toBe(`"${sha256(content)}"`);
      const head = await admin.request('HEAD', url('digits.txt'));
      expect({ status: head.statusCode, body: head.body, length: head.headers['content-length'], etag: head.headers.etag }).toEqual({
        status: 200,
        body: '',
        length: '10',
        etag,
      });
    });

    it.each([
      [() => etag, 304],
      [() => `W/${etag}`, 304],
      [() => `"other", ${etag}`, 304],
      [() => '*', 304],
      [() => '"other"', 200],
    ])('If-None-Match %#', async (header, status) => {
      const res = await admin.request('GET', url('digits.txt'), undefined, { 'if-none-match': header() });
      expect(res.statusCode).toBe(status);
      expect(res.headers.etag).toBe(etag);
      expect(res.body).toBe(status === 304 ? '' : content);
    });

    it.each([
      ['bytes=2-5', '2345', 'bytes 2-5/10'],
      ['bytes=7-', '789', 'bytes 7-9/10'],
      ['bytes=-3', '789', 'bytes 7-9/10'],
      ['bytes=5-100', '56789', 'bytes 5-9/10'],
      ['bytes=-100', content, 'bytes 0-9/10'],
      ['bytes=0-0', '0', 'bytes 0-0/10'],
    ])('Range %s', async (range, body, contentRange) => {
      const res = await admin.request('GET', url('digits.txt'), undefined, { range });
      expect({ status: res.statusCode, body: res.body, range: res.headers['content-range'], length: res.headers['content-length'] }).toEqual({
        status: 206,
        body,
        range: contentRange,
        length: String(body.length),
      });
    });

    it.each(['bytes=0-1,4-5', 'items=0-1', 'bytes=5-2', 'bytes=x-y', 'bytes=-'])('ignores Range %s: the whole content', async (range) => {
      const res = await admin.request('GET', url('digits.txt'), undefined, { range });
      expect({ status: res.statusCode, body: res.body }).toEqual({ status: 200, body: content });
    });

    it.each(['bytes=10-', 'bytes=20-30', 'bytes=-0'])('answers 416 to %s with the size', async (range) => {
      const res = await admin.request('GET', url('digits.txt'), undefined, { range });
      expectProblem(res, 416, 'range-not-satisfiable');
      expect(res.headers['content-range']).toBe('bytes */10');
    });

    it('keeps a range only while If-Range names the current ETag', async () => {
      expect((await admin.request('GET', url('digits.txt'), undefined, { range: 'bytes=0-1', 'if-range': etag })).body).toBe('01');
      const stale = await admin.request('GET', url('digits.txt'), undefined, { range: 'bytes=0-1', 'if-range': '"stale"' });
      expect({ status: stale.statusCode, body: stale.body }).toEqual({ status: 200, body: content });
    });

    it('changes the ETag with the content', async () => {
      await putFile(admin, dataset.id, 'changing.txt', 'first');
      const first = (await admin.request('GET', url('changing.txt'))).headers.etag as string;
      await putFile(admin, dataset.id, 'changing.txt', 'second');
      const res = await admin.request('GET', url('changing.txt'), undefined, { 'if-none-match': first });
      expect({ status: res.statusCode, body: res.body, etag: res.headers.etag }).toEqual({ status: 200, body: 'second', etag: `"${sha256('second')}"` });
    });

    it('answers 404 for a missing file, and deletes once', async () => {
      expectProblem(await admin.request('GET', url('missing.txt')), 404, 'not-found');
      await putFile(admin, dataset.id, 'gone.txt', 'x');
      expect((await admin.request('DELETE', url('gone.txt'))).statusCode).toBe(204);
      expectProblem(await admin.request('GET', url('gone.txt')), 404, 'not-found');
      expectProblem(await admin.request('DELETE', url('gone.txt')), 404, 'not-found');
    });
  });

  describe('listing', () => {
    it('lists paths with sizes, types and dates, by path, page by page, under a prefix', async () => {
      const ds = await createDataset(admin);
      for (const path of ['b/2.csv', 'a/1.csv', 'b/1.csv', 'b.csv', 'c']) await putFile(admin, ds.id, path, path, 'text/csv');
      const seen: DatasetFile[] = [];
      let cursor: string | undefined;
      do {
        const page = (await admin.request('GET', `/api/v1/datasets/${ds.id}/files?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json<Page<DatasetFile>>();
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.map((f) => f.path)).toEqual(['a/1.csv', 'b.csv', 'b/1.csv', 'b/2.csv', 'c']);
      expect(seen[0]).toEqual({
        path: 'a/1.csv',
        size: 7,
        contentType: 'text/csv',
        sha256: sha256('a/1.csv'),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const under = (await admin.request('GET', `/api/v1/datasets/${ds.id}/files?prefix=b/`)).json<Page<DatasetFile>>();
      expect(under.items.map((f) => f.path)).toEqual(['b/1.csv', 'b/2.csv']);
      // "_" and "%" in a prefix are characters, not patterns.
      expect((await admin.request('GET', `/api/v1/datasets/${ds.id}/files?prefix=%25`)).json<Page<DatasetFile>>().items).toEqual([]);
      expect(fieldErrors(await admin.request('GET', `/api/v1/datasets/${ds.id}/files?prefix=a/../`))).toEqual(['query.prefix']);
    });
  });

  describe('storage', () => {
    it('keeps metadata and blobs in agreement: one blob per file, of the size and hash the metadata gives', async () => {
      const rows = await sql<{ dataset_id: string; blob_id: string; size: string; sha256: string }>(
        t.database.url,
        'SELECT dataset_id, blob_id, size, sha256 FROM dataset_files',
      );
      expect(rows.length).toBeGreaterThan(10);
      const root = blobsDirectory(t.config.dataDir);
      for (const row of rows) {
        const bytes = await readFile(join(root, row.dataset_id, row.blob_id));
        expect({ size: bytes.length, sha256: sha256(bytes) }).toEqual({ size: Number(row.size), sha256: row.sha256 });
      }
      const stored = (await readdir(root)).filter((d) => d !== '.tmp');
      const files = (await Promise.all(stored.map(async (d) => (await readdir(join(root, d))).map((f) => `${d}/${f}`)))).flat();
      expect(files.sort()).toEqual(rows.map((r) => `${r.dataset_id}/${r.blob_id}`).sort());
    });
  });

  describe('launch-spec mounts', () => {
    it('mounts every dataset the run identity may read, rw where it may write, and none when mountDatasets is off', async () => {
      const readers = await createGroup(admin);
      const writers = await createGroup(admin);
      const { user: reader } = await userSession(t.app, admin);
      const { user: writer } = await userSession(t.app, admin);
      const { user: nobody } = await userSession(t.app, admin);
      await addMember(admin, readers.id, reader.id);
      await addMember(admin, writers.id, writer.id);
      const d1 = await createDataset(admin);
      const d2 = await createDataset(admin);
      await grantDataset(admin, d1.id, readers.id, 'read');
      await grantDataset(admin, d2.id, readers.id, 'read');
      await grantDataset(admin, d2.id, writers.id, 'write');
      const mountsOf = async (userId: string, settings = {}) =>
        (await backendRunningAs(t.app, admin, userId, settings)).mounts.filter((m) => m.datasetId === d1.id || m.datasetId === d2.id);

      // By name, as mount points are listed.
      expect(await mountsOf(reader.id)).toEqual(
        [
          { datasetId: d1.id, name: d1.name, path: `/data/${d1.name}`, mode: 'ro' },
          { datasetId: d2.id, name: d2.name, path: `/data/${d2.name}`, mode: 'ro' },
        ].sort((a, b) => (a.name < b.name ? -1 : 1)),
      );
      expect(await mountsOf(writer.id)).toEqual([{ datasetId: d2.id, name: d2.name, path: `/data/${d2.name}`, mode: 'rw' }]);
      expect(await mountsOf(nobody.id)).toEqual([]);
      const adminId = (await admin.request('GET', '/api/v1/auth/me')).json<{ id: string }>().id;
      expect((await mountsOf(adminId)).map((m) => m.mode)).toEqual(['rw', 'rw']);

      const off = await backendRunningAs(t.app, admin, reader.id, { mountDatasets: false });
      expect(off.mounts).toEqual([]);
      // Without mounts the backend reads through the dataset API, as its run identity.
      await putFile(admin, d1.id, 'report.csv', 'x,y');
      expect((await off.backend.request('GET', fileUrl(d1.id, 'report.csv'))).body).toBe('x,y');
      expect((await off.backend.request('PUT', fileUrl(d1.id, 'report.csv'), 'overwrite')).statusCode).toBe(403);
    });
  });
});
