import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loginAsAdmin } from '../../../test/clients';
import { projectRoot } from '../../common/project-root';
import { apiKeyClient, createGroup, createUser, addMember } from '../../../test/fixtures/identity';
import { startTestApp, TestApp } from '../../../test/harness';
import { apiKeySchema, meSchema } from '../../auth/auth.schemas';
import { auditEventSchema, auditVerificationSchema } from '../../audit/audit.schemas';
import { groupMemberSchema, groupSchema, userSchema } from '../../identity/identity.schemas';
import { pageOf } from '../http/response-schemas';
import { API_DOCS_CSP } from './openapi';

const committedPath = join(projectRoot(), 'apps/api/openapi.json');

describe('OpenAPI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves the document generated from the code, identical to the committed apps/api/openapi.json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    const committed = JSON.parse(readFileSync(committedPath, 'utf8')) as unknown;
    // On failure: run `npm run openapi` and commit apps/api/openapi.json with the API change.
    expect(res.json()).toEqual(committed);
  });

  it('declares every path parameter of every operation once (generated clients need them to build URLs)', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json<{
      paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
    }>();
    const wrong: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const [method, operation] of Object.entries(operations)) {
        if (!['get', 'put', 'post', 'patch', 'delete'].includes(method)) continue;
        const declared = (operation.parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        if (JSON.stringify(declared) !== JSON.stringify(names)) wrong.push(`${method} ${path}: ${declared.join(',')}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('serves the same document twice, keys sorted', async () => {
    const a = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' });
    const b = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' });
    expect(a.body).toBe(b.body);
    const doc = a.json() as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual([...Object.keys(doc)].sort());
  });

  it('describes every route with its problem responses', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/metrics', '/readyz', '/api/v1/users']));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const operation of Object.values(item)) {
        expect({ path, has500: '500' in operation.responses }).toEqual({ path, has500: true });
        expect(Object.keys(operation.responses['500'].content ?? {})).toEqual(['application/problem+json']);
      }
    }
    expect(doc.paths['/readyz'].get.responses['503']).toBeDefined();
    expect(doc.paths['/metrics'].get.responses['401']).toBeDefined();
    expect(doc.components.schemas.Problem).toBeDefined();
    // A body-taking route documents its body and the problems bad bodies get.
    const createUser = doc.paths['/api/v1/users'] as unknown as { post: { requestBody: unknown; responses: Record<string, unknown> } };
    expect(createUser.post.requestBody).toBeDefined();
    expect(Object.keys(createUser.post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409', '413', '415', '500']));
  });

  it('describes real answers: each documented response schema accepts what the API returns', async () => {
    const admin = await loginAsAdmin(t.app);
    const user = await createUser(admin, { email: 'doc@example.com' });
    const group = await createGroup(admin);
    await addMember(admin, group.id, user.id);
    await apiKeyClient(t.app, admin);
    const checks: [string, { parse(v: unknown): unknown }][] = [
      ['/api/v1/auth/me', meSchema],
      ['/api/v1/users', pageOf(userSchema)],
      [`/api/v1/users/${user.id}`, userSchema],
      ['/api/v1/groups', pageOf(groupSchema)],
      [`/api/v1/groups/${group.id}/members`, pageOf(groupMemberSchema)],
      ['/api/v1/api-keys', pageOf(apiKeySchema)],
      ['/api/v1/audit-events', pageOf(auditEventSchema)],
      ['/api/v1/audit-events/verify', auditVerificationSchema],
    ];
    for (const [url, schema] of checks) {
      const res = await admin.request('GET', url);
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
      expect(() => schema.parse(res.json())).not.toThrow();
    }
  });

  it('serves the interactive documentation at /api/docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
    expect(res.body).toContain('swagger-ui');
  });

  it('serves the documentation and its files under their own strict CSP, and no other route', async () => {
    for (const url of ['/api/docs', '/api/docs/swagger-ui-init.js', '/api/docs/swagger-ui-bundle.js', '/api/docs/openapi.json']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect({ url, status: res.statusCode, ...res.headers }).toMatchObject({
        url,
        status: 200,
        'content-security-policy': API_DOCS_CSP,
        'x-frame-options': 'DENY',
        'x-content-type-options': 'nosniff',
        'cross-origin-opener-policy': 'same-origin',
      });
    }
    expect(API_DOCS_CSP).toContain("script-src 'self';");
    expect(API_DOCS_CSP).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|\*)/);
    expect(API_DOCS_CSP).toContain("connect-src 'self';");
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).headers['content-security-policy']).toBeUndefined();
    expect((await t.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).headers['content-security-policy']).toBeUndefined();
  });
});
