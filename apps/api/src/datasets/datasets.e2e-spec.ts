import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEvent, Dataset, DatasetPermissions, Page } from '@behalf/contracts';
import { anonymous, Client, expectProblem, fieldErrors, loginAsAdmin, SessionClient } from '../../test/clients';
import { backendRunningAs, createDataset, fileUrl, grantDataset, putFile } from '../../test/fixtures/datasets';
import { addMember, apiKeyClient, createGroup, userSession } from '../../test/fixtures/identity';
import { sql, startTestApp, TestApp } from '../../test/harness';
import { blobsDirectory } from './blob-store.provider';

const MAX_FILE_BYTES = 64 * 1024;
const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

type Role = 'owner' | 'writer' | 'reader' | 'stranger' | 'admin';
type Credential = 'session' | 'api key' | 'backend token';

describe('datasets', () => {
  let t: TestApp;
  let admin: SessionClient;
  /** Each role's user id and a client per credential. */
  const actors = {} as Record<Role, { id: string; login: string; as: Record<Credential, Client> }>;
  let readers: string;
  let writers: string;
  let dataset: Dataset;

  const auditOf = async (action: string, datasetId: string) =>
    (await admin.request('GET', `/api/v1/audit-events?action=${action}&limit=200`)).json<Page<AuditEvent>>().items.filter((e) => e.target?.id === datasetId);

  beforeAll(async () => {
    // A JSON body limit far below the file limit shows that uploads never go through the JSON parser.
    t = await startTestApp({ env: { BEHALF_DATASET_FILE_MAX_BYTES: String(MAX_FILE_BYTES), BEHALF_BODY_LIMIT: '1024' } });
    admin = await loginAsAdmin(t.app);
    const managers = await createGroup(admin, { permissions: { mayManageDatasets: true } });
    readers = (await createGroup(admin)).id;
    writers = (await createGroup(admin)).id;
    const adminUser = (await admin.request('GET', '/api/v1/auth/me')).json<{ id: string; login: string }>();
    for (const role of ['owner', 'writer', 'reader', 'stranger', 'admin'] as Role[]) {
      const { id, login, session } =
        role === 'admin'
          ? { ...adminUser, session: admin }
          : await userSession(t.app, admin).then(({ user, session }) => ({ id: user.id, login: user.login, session }));
      if (role === 'owner') await addMember(admin, managers.id, id);
      if (role === 'writer') await addMember(admin, writers, id);
      if (role === 'reader') await addMember(admin, readers, id);
      const apiKey = (await apiKeyClient(t.app, session)).client;
      const backend = (await backendRunningAs(t.app, admin, id)).backend;
      actors[role] = { id, login, as: { session, 'api key': apiKey, 'backend token': backend } };
    }
    dataset = await createDataset(actors.owner.as.session, { description: 'sales' });
    await grantDataset(actors.owner.as.session, dataset.id, writers, 'write');
    await grantDataset(actors.owner.as.session, dataset.id, readers, 'read');
    await putFile(actors.owner.as.session, dataset.id, 'shared.csv', 'a,b\n1,2\n', 'text/csv');
  });
  afterAll(() => t.close());

  describe('the permission matrix', () => {
    // What each role may do; a dataset one may not read does not exist for them (404).
    const expected: Record<Role, { read: number; write: number; manage: number }> = {
      owner: { read: 200, write: 201, manage: 200 },
      admin: { read: 200, write: 201, manage: 200 },
      writer: { read: 200, write: 201, manage: 403 },
      reader: { read: 200, write: 403, manage: 403 },
      stranger: { read: 404, write: 404, manage: 404 },
    };
    const cases = (Object.keys(expected) as Role[]).flatMap((role) => (['session', 'api key', 'backend token'] as Credential[]).map((c) => [role, c] as const));

    it.each(cases)('%s, with their %s', async (role, credential) => {
      const client = actors[role].as[credential];
      const want = expected[role];
      // Webapp code is data plane only: managing a dataset is a person's act, refused to a token
      // before any dataset is looked up (so a 403 whether it exists or not).
      const manage = credential === 'backend token' ? 403 : want.manage;
      const id = dataset.id;
      const path = `by-${role}-${credential.replace(/ /g, '-')}.txt`;

      const got = {
        get: (await client.request('GET', `/api/v1/datasets/${id}`)).statusCode,
        listed: (await client.request('GET', '/api/v1/datasets?limit=200')).json<Page<Dataset>>().items.some((d) => d.id === id),
        files: (await client.request('GET', `/api/v1/datasets/${id}/files`)).statusCode,
        read: (await client.request('GET', fileUrl(id, 'shared.csv'))).statusCode,
        write: (await client.request('PUT', fileUrl(id, path), 'content', { 'content-type': 'text/plain' })).statusCode,
        replace: (await client.request('PUT', fileUrl(id, 'shared.csv'), 'a,b\n1,2\n', { 'content-type': 'text/csv' })).statusCode,
        delete: (await client.request('DELETE', fileUrl(id, want.write === 201 ? path : 'shared.csv'))).statusCode,
        permissions: (await client.request('GET', `/api/v1/datasets/${id}/permissions`)).statusCode,
        grant: (await client.request('PUT', `/api/v1/datasets/${id}/permissions/groups/${readers}`, { access: 'read' })).statusCode,
        edit: (await client.request('PATCH', `/api/v1/datasets/${id}`, { description: 'sales' })).statusCode,
      };
      expect(got).toEqual({
        get: want.read,
        listed: want.read === 200,
        files: want.read,
        read: want.read,
        write: want.write,
        replace: want.write === 201 ? 200 : want.write,
        delete: want.write === 201 ? 204 : want.write,
        permissions: manage,
        grant: manage,
        edit: manage,
      });
      // The caller's own access is part of what it reads.
      if (want.read === 200) {
        const access = (await client.request('GET', `/api/v1/datasets/${id}`)).json<Dataset>().access;
        expect(access).toBe(want.manage === 200 ? 'manage' : want.write === 201 ? 'write' : 'read');
      }
    });

    it('audits refusals, file writes and deletions with who made them and the path, never the content', async () => {
      const denied = await auditOf('access.denied', dataset.id);
      expect(denied.map((e) => e.reason)).toEqual(expect.arrayContaining(['dataset_write_denied', 'not_dataset_owner']));
      const created = await auditOf('dataset.file.create', dataset.id);
      const byWriter = created.find((e) => e.actor?.userId === actors.writer.id && e.details.path === 'by-writer-backend-token.txt');
      expect(byWriter).toMatchObject({
        outcome: 'succeeded',
        webappId: expect.any(String),
        details: { size: 7, sha256: sha256('content'), contentType: 'text/plain' },
      });
      expect((await auditOf('dataset.file.delete', dataset.id)).some((e) => e.actor?.userId === actors.admin.id)).toBe(true);
      expect(JSON.stringify(created)).not.toContain('"content"');
    });

    it('follows group membership and permissions at once: no cached access', async () => {
      const { user, session } = await userSession(t.app, admin);
      expect((await session.request('GET', fileUrl(dataset.id, 'shared.csv'))).statusCode).toBe(404);
      await addMember(admin, readers, user.id);
      expect((await session.request('GET', fileUrl(dataset.id, 'shared.csv'))).statusCode).toBe(200);
      expect((await session.request('PUT', fileUrl(dataset.id, 'x'), 'x')).statusCode).toBe(403);
      await grantDataset(actors.owner.as.session, dataset.id, readers, 'write');
      expect((await session.request('PUT', fileUrl(dataset.id, 'x'), 'x')).statusCode).toBe(201);
      await grantDataset(actors.owner.as.session, dataset.id, readers, 'read');
      expect((await session.request('PUT', fileUrl(dataset.id, 'x'), 'x')).statusCode).toBe(403);
      expect((await admin.request('DELETE', `/api/v1/groups/${readers}/members/${user.id}`)).statusCode).toBe(204);
      expect((await session.request('GET', fileUrl(dataset.id, 'shared.csv'))).statusCode).toBe(404);
      expectProblem(await anonymous(t.app).request('GET', fileUrl(dataset.id, 'shared.csv')), 401, 'unauthenticated');
    });
  });

  describe('managing datasets', () => {
    it('lets admins and mayManageDatasets create, with a unique single-segment name', async () => {
      expectProblem(await actors.reader.as.session.request('POST', '/api/v1/datasets', { name: 'nope' }), 403, 'forbidden');
      const mine = await createDataset(actors.owner.as['api key'], { name: 'owner-data.v1' });
      expect(mine).toMatchObject({ name: 'owner-data.v1', description: '', owner: { id: actors.owner.id, login: actors.owner.login }, access: 'manage' });
      expectProblem(await admin.request('POST', '/api/v1/datasets', { name: 'owner-data.v1' }), 409, 'conflict');
      for (const name of ['', 'Upper', '.hidden', '..', 'a/b', 'a b', 'x'.repeat(65)]) {
        expect(fieldErrors(await admin.request('POST', '/api/v1/datasets', { name }))).toEqual(['body.name']);
      }
      expect(fieldErrors(await admin.request('POST', '/api/v1/datasets', { name: 'ok', extra: 1 }))).toEqual(['body']);
      expect(await auditOf('dataset.create', mine.id)).toHaveLength(1);
    });

    it('lists what the caller may read, by name, page by page', async () => {
      const names = ['page-a', 'page-b', 'page-c'];
      for (const name of names) await createDataset(actors.owner.as.session, { name });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = (await actors.owner.as.session.request('GET', `/api/v1/datasets?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json<Page<Dataset>>();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((d) => d.name));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...seen].sort());
      expect(seen).toEqual(expect.arrayContaining([...names, dataset.name]));
      const strangers = (await actors.stranger.as.session.request('GET', '/api/v1/datasets')).json<Page<Dataset>>();
      expect(strangers.items.filter((d) => names.includes(d.name))).toEqual([]);
    });

    it('edits, hands over (admins only) and shows permissions', async () => {
      const ds = await createDataset(actors.owner.as.session);
      await grantDataset(actors.owner.as.session, ds.id, writers, 'write');
      const renamed = await actors.owner.as.session.request('PATCH', `/api/v1/datasets/${ds.id}`, { name: `${ds.name}-renamed`, description: 'new' });
      expect(renamed.json<Dataset>()).toMatchObject({ name: `${ds.name}-renamed`, description: 'new' });
      expectProblem(await actors.owner.as.session.request('PATCH', `/api/v1/datasets/${ds.id}`, { ownerUserId: actors.writer.id }), 403, 'forbidden');
      expect(fieldErrors(await admin.request('PATCH', `/api/v1/datasets/${ds.id}`, { ownerUserId: '00000000-0000-4000-8000-000000000000' }))).toEqual([
        'body.ownerUserId',
      ]);
      const handed = await admin.request('PATCH', `/api/v1/datasets/${ds.id}`, { ownerUserId: actors.writer.id });
      expect(handed.json<Dataset>().owner.id).toBe(actors.writer.id);
      const permissions = (await actors.writer.as.session.request('GET', `/api/v1/datasets/${ds.id}/permissions`)).json<DatasetPermissions>();
      expect(permissions).toMatchObject({ owner: { id: actors.writer.id }, groups: [{ groupId: writers, access: 'write' }] });
      expect((await actors.owner.as.session.request('GET', `/api/v1/datasets/${ds.id}`)).statusCode).toBe(404);
      const changes = (await auditOf('dataset.update', ds.id)).map((e) => e.details.changes);
      expect(changes).toEqual(
        expect.arrayContaining([
          { name: { from: ds.name, to: `${ds.name}-renamed` }, description: { from: '', to: 'new' } },
          { owner: { from: { id: actors.owner.id, login: actors.owner.login }, to: { id: actors.writer.id, login: actors.writer.login } } },
        ]),
      );
    });

    it('sets and removes group permissions: 201 then 200, 404 for an unknown group or a permission not held', async () => {
      const ds = await createDataset(actors.owner.as.session);
      const url = `/api/v1/datasets/${ds.id}/permissions/groups/${readers}`;
      expect((await actors.owner.as.session.request('PUT', url, { access: 'read' })).statusCode).toBe(201);
      const changed = await actors.owner.as.session.request('PUT', url, { access: 'write' });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toMatchObject({ groupId: readers, access: 'write' });
      expect(fieldErrors(await actors.owner.as.session.request('PUT', url, { access: 'admin' }))).toEqual(['body.access']);
      expectProblem(
        await actors.owner.as.session.request('PUT', `/api/v1/datasets/${ds.id}/permissions/groups/00000000-0000-4000-8000-000000000000`, { access: 'read' }),
        404,
      );
      expect((await actors.owner.as.session.request('DELETE', url)).statusCode).toBe(204);
      expectProblem(await actors.owner.as.session.request('DELETE', url), 404, 'not-found');
      const set = await auditOf('dataset.permission.set', ds.id);
      expect(set.map((e) => e.details.access)).toEqual(
        expect.arrayContaining([
          { from: null, to: 'read' },
          { from: 'read', to: 'write' },
        ]),
      );
      expect(await auditOf('dataset.permission.remove', ds.id)).toHaveLength(1);
    });

    it('deletes a dataset with its permissions, file metadata and blobs', async () => {
      const ds = await createDataset(actors.owner.as.session);
      await grantDataset(actors.owner.as.session, ds.id, readers, 'read');
      await putFile(actors.owner.as.session, ds.id, 'a/b.bin', Buffer.alloc(1000, 1));
      const directory = join(blobsDirectory(t.config.dataDir), ds.id);
      expect(await readdir(directory)).toHaveLength(1);
      expectProblem(await actors.writer.as.session.request('DELETE', `/api/v1/datasets/${ds.id}`), 404);
      expect((await actors.owner.as.session.request('DELETE', `/api/v1/datasets/${ds.id}`)).statusCode).toBe(204);
      expect(existsSync(directory)).toBe(false);
      expect(
        await sql(t.database.url, 'SELECT 1 FROM dataset_files WHERE dataset_id = $1 UNION ALL SELECT 1 FROM dataset_group_permissions WHERE dataset_id = $1', [
          ds.id,
        ]),
      ).toEqual([]);
      expectProblem(await actors.owner.as.session.request('GET', `/api/v1/datasets/${ds.id}`), 404, 'not-found');
      expect(await auditOf('dataset.delete', ds.id)).toHaveLength(1);
    });
  });
});
