import { startTestApp, TestApp } from '../../test/harness';
import { routesOf } from '../app';

/**
 * Who may call what, route by route. Any change to a route's protection shows up here in review
 * as a permission change. The map is read from the served OpenAPI document, which is generated
 * from the same decorators the global guard enforces (`@Public`, `@Authenticated`).
 */
// Webapp routes say `authenticated`: the owner/admin/viewer rules are per webapp, in
// webapps/webapp-access.ts, and tested in webapps/*.e2e-spec.ts.
// Dataset routes too: read/write/manage are per dataset (datasets/dataset-access.ts), tested in
// datasets/datasets.e2e-spec.ts's permission matrix.
// Runtime routes say `authenticated`: only a backend token gets past their service (403 for any
// other principal), tested in runtime/runtime.e2e-spec.ts. The token endpoint is public: its
// client authenticates with the actor token in the form.
const EXPECTED: Record<string, string> = {
  'POST /api/v1/runtime/auth-info': 'authenticated',
  'POST /api/v1/runtime/identity-token': 'authenticated',
  'POST /oauth/token': 'public',
  'GET /api/v1/users/me/impersonation-events': 'authenticated',
  'DELETE /api/v1/datasets/{id}': 'authenticated',
  'DELETE /api/v1/datasets/{id}/files/{path}': 'authenticated',
  'DELETE /api/v1/datasets/{id}/permissions/groups/{groupId}': 'authenticated',
  'GET /api/v1/datasets': 'authenticated',
  'GET /api/v1/datasets/{id}': 'authenticated',
  'GET /api/v1/datasets/{id}/files': 'authenticated',
  'GET /api/v1/datasets/{id}/files/{path}': 'authenticated',
  'GET /api/v1/datasets/{id}/permissions': 'authenticated',
  'PATCH /api/v1/datasets/{id}': 'authenticated',
  'POST /api/v1/datasets': 'mayManageDatasets',
  'PUT /api/v1/datasets/{id}/files/{path}': 'authenticated',
  'PUT /api/v1/datasets/{id}/permissions/groups/{groupId}': 'authenticated',
  'DELETE /api/v1/api-keys/{id}': 'authenticated',
  'DELETE /api/v1/groups/{id}': 'admin',
  'DELETE /api/v1/groups/{id}/impersonation-targets/{targetGroupId}': 'admin',
  'DELETE /api/v1/groups/{id}/members/{userId}': 'admin',
  'DELETE /api/v1/users/me/secrets/{name}': 'authenticated',
  'DELETE /api/v1/users/{id}': 'admin',
  'DELETE /api/v1/users/{id}/secrets/{name}': 'admin',
  'DELETE /api/v1/webapps/{id}': 'authenticated',
  'DELETE /api/v1/webapps/{id}/runs/{runId}': 'authenticated',
  'GET /.well-known/jwks.json': 'public',
  'GET /.well-known/openid-configuration': 'public',
  'GET /api/v1/api-keys': 'authenticated',
  'GET /api/v1/audit-events': 'admin',
  'GET /api/v1/audit-events/verify': 'admin',
  'GET /api/v1/auth/me': 'authenticated',
  'GET /api/v1/groups': 'admin',
  'GET /api/v1/groups/{id}': 'admin',
  'GET /api/v1/groups/{id}/impersonation-targets': 'admin',
  'GET /api/v1/groups/{id}/members': 'admin',
  'GET /api/v1/impersonation/check': 'admin',
  'GET /api/v1/settings/security': 'admin',
  'GET /api/v1/users': 'admin',
  'GET /api/v1/users/me/secrets': 'authenticated',
  'GET /api/v1/users/{id}': 'admin',
  'GET /api/v1/users/{id}/secrets': 'admin',
  'GET /api/v1/webapps': 'authenticated',
  'GET /api/v1/webapps/{id}': 'authenticated',
  'GET /api/v1/webapps/{id}/runs': 'authenticated',
  'GET /api/v1/webapps/{id}/runs/{runId}': 'authenticated',
  'GET /api/v1/webapps/{id}/settings': 'authenticated',
  'GET /healthz': 'public',
  'GET /metrics': 'public',
  'GET /readyz': 'public',
  'PATCH /api/v1/groups/{id}': 'admin',
  'PATCH /api/v1/settings/security': 'admin',
  'PATCH /api/v1/users/{id}': 'admin',
  'PATCH /api/v1/webapps/{id}': 'authenticated',
  'PATCH /api/v1/webapps/{id}/settings': 'authenticated',
  'POST /api/v1/admin/kek/rewrap': 'admin',
  'POST /api/v1/admin/keys/rotate': 'admin',
  'POST /api/v1/api-keys': 'authenticated',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': 'authenticated',
  'POST /api/v1/groups': 'admin',
  'POST /api/v1/users': 'admin',
  'POST /api/v1/webapps': 'mayCreateWebapps',
  'POST /api/v1/webapps/{id}/runs': 'authenticated',
  'POST /api/v1/webapps/{id}/runs/{runId}/refresh': 'authenticated',
  'PUT /api/v1/groups/{id}/impersonation-targets/{targetGroupId}': 'admin',
  'PUT /api/v1/groups/{id}/members/{userId}': 'admin',
  'PUT /api/v1/users/me/secrets/{name}': 'authenticated',
};

describe('the permission map', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('matches the reviewed map, route by route', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json() as {
      paths: Record<string, Record<string, { 'x-behalf-permission'?: string }>>;
    };
    const actual: Record<string, string> = {};
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        // A route with neither decorator still requires authentication (deny by default).
        actual[`${method.toUpperCase()} ${path}`] = operation['x-behalf-permission'] ?? 'authenticated';
      }
    }
    expect(actual).toEqual(EXPECTED);
  });

  it('lists every route the server serves, apart from the documentation itself', async () => {
    const served = new Set(
      routesOf(t.app)
        .filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/api/docs') && r.url !== '*')
        // A trailing wildcard is the `path` parameter in OpenAPI (dataset files).
        .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}').replace(/\/\*$/, '/{path}')}`),
    );
    expect([...served].sort()).toEqual(Object.keys(EXPECTED).sort());
  });
});
