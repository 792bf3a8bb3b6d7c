import { startTestApp, TestApp } from '../../test/harness';
import { routesOf } from '../app';
import { WEB_CONSOLE_ROUTES } from '../platform/http/web-console';

/**
 * Who may call what, route by route, and with which credentials: `permission [credential kinds]`.
 * A person's credentials are `session` and `api_key`; webapp code's are `backend_token` and
 * `impersonation`, accepted only by the data plane (runtime, own profile, datasets' files) and a
 * run's own refresh and stop. Any change to a route's protection shows up here in review. The map is read from the served OpenAPI document, which is generated
 * from the same decorators the global guard enforces (`@Public`, `@Authenticated`).
 */
// Webapp routes say `authenticated`: the owner/admin/viewer rules are per webapp, in
// webapps/webapp-access.ts, and tested in webapps/*.e2e-spec.ts.
// Dataset routes too: read/write/manage are per dataset (datasets/dataset-access.ts), tested in
// datasets/datasets.e2e-spec.ts's permission matrix.
// Runtime routes say `authenticated`: only a backend token gets past their service (403 for any
// other principal), tested in runtime/runtime.e2e-spec.ts. The token endpoint is public: its
// client authenticates with the actor token in the form (the gateway's code grant: HTTP Basic with
// its API key). The authorization endpoint is public: the viewer's session approves, else login.
const EXPECTED: Record<string, string> = {
  'DELETE /api/v1/api-keys/{id}': 'authenticated [session, api_key]',
  'DELETE /api/v1/datasets/{id}': 'authenticated [session, api_key]',
  'DELETE /api/v1/datasets/{id}/files/{path}': 'authenticated [session, api_key, backend_token, impersonation]',
  'DELETE /api/v1/datasets/{id}/permissions/groups/{groupId}': 'authenticated [session, api_key]',
  'DELETE /api/v1/groups/{id}': 'admin [session, api_key]',
  'DELETE /api/v1/groups/{id}/impersonation-targets/{targetGroupId}': 'admin [session, api_key]',
  'DELETE /api/v1/groups/{id}/members/{userId}': 'admin [session, api_key]',
  'DELETE /api/v1/users/me/secret-consents/{webappId}': 'authenticated [session, api_key]',
  'DELETE /api/v1/users/me/secrets/{name}': 'authenticated [session, api_key]',
  'DELETE /api/v1/users/{id}': 'admin [session, api_key]',
  'DELETE /api/v1/users/{id}/secrets/{name}': 'admin [session, api_key]',
  'DELETE /api/v1/webapps/{id}': 'authenticated [session, api_key]',
  'DELETE /api/v1/webapps/{id}/secret-name-request': 'authenticated [session, api_key]',
  'DELETE /api/v1/webapps/{id}/runs/{runId}': 'authenticated [session, api_key, backend_token]',
  'GET /.well-known/jwks.json': 'public',
  'GET /.well-known/openid-configuration': 'public',
  'GET /api/v1/api-keys': 'authenticated [session, api_key]',
  'GET /api/v1/audit-events': 'admin [session, api_key]',
  'GET /api/v1/audit-events/verify': 'admin [session, api_key]',
  'GET /api/v1/gateway/routes': 'gateway [api_key]',
  'GET /api/v1/auth/me': 'authenticated [session, api_key, backend_token, impersonation]',
  'GET /api/v1/datasets': 'authenticated [session, api_key, backend_token, impersonation]',
  'GET /api/v1/datasets/{id}': 'authenticated [session, api_key, backend_token, impersonation]',
  'GET /api/v1/datasets/{id}/files': 'authenticated [session, api_key, backend_token, impersonation]',
  'GET /api/v1/datasets/{id}/files/{path}': 'authenticated [session, api_key, backend_token, impersonation]',
  'GET /api/v1/datasets/{id}/permissions': 'authenticated [session, api_key]',
  'GET /api/v1/groups': 'admin [session, api_key]',
  'GET /api/v1/groups/{id}': 'admin [session, api_key]',
  'GET /api/v1/groups/{id}/impersonation-targets': 'admin [session, api_key]',
  'GET /api/v1/groups/{id}/members': 'admin [session, api_key]',
  'GET /api/v1/impersonation/check': 'admin [session, api_key]',
  'GET /api/v1/settings/security': 'admin [session, api_key]',
  'GET /api/v1/users': 'admin [session, api_key]',
  'GET /api/v1/users/me/impersonation-events': 'authenticated [session, api_key]',
  'GET /api/v1/users/me/secret-consents': 'authenticated [session, api_key]',
  'GET /api/v1/users/me/secret-consents/{webappId}': 'authenticated [session, api_key]',
  'GET /api/v1/users/me/secrets': 'authenticated [session, api_key]',
  'GET /api/v1/users/{id}': 'admin [session, api_key]',
  'GET /api/v1/users/{id}/groups': 'admin [session, api_key]',
  'GET /api/v1/users/{id}/secrets': 'admin [session, api_key]',
  'GET /api/v1/webapps': 'authenticated [session, api_key]',
  'GET /api/v1/webapps/{id}': 'authenticated [session, api_key]',
  'GET /api/v1/webapps/{id}/runs': 'authenticated [session, api_key]',
  'GET /api/v1/webapps/{id}/runs/{runId}': 'authenticated [session, api_key]',
  'GET /api/v1/webapps/{id}/secret-name-request': 'authenticated [session, api_key]',
  'GET /api/v1/secret-name-requests': 'admin [session, api_key]',
  'GET /api/v1/webapps/{id}/settings': 'authenticated [session, api_key]',
  'GET /healthz': 'public',
  'GET /metrics': 'public',
  'GET /readyz': 'public',
  'PATCH /api/v1/datasets/{id}': 'authenticated [session, api_key]',
  'PATCH /api/v1/groups/{id}': 'admin [session, api_key]',
  'PATCH /api/v1/settings/security': 'admin [session, api_key]',
  'PATCH /api/v1/users/{id}': 'admin [session, api_key]',
  'PATCH /api/v1/webapps/{id}': 'authenticated [session, api_key]',
  'PATCH /api/v1/webapps/{id}/settings': 'authenticated [session, api_key]',
  'POST /api/v1/admin/kek/rewrap': 'admin [session, api_key]',
  'POST /api/v1/admin/keys/rotate': 'admin [session, api_key]',
  'POST /api/v1/api-keys': 'authenticated [session, api_key]',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': 'authenticated [session, api_key]',
  'POST /api/v1/datasets': 'mayManageDatasets [session, api_key]',
  'POST /api/v1/groups': 'admin [session, api_key]',
  'POST /api/v1/runtime/auth-info': 'authenticated [backend_token]',
  'POST /api/v1/runtime/identity-token': 'authenticated [backend_token]',
  'POST /api/v1/users': 'admin [session, api_key]',
  'POST /api/v1/webapps': 'mayCreateWebapps [session, api_key]',
  'POST /api/v1/webapps/{id}/runs': 'authenticated [session, api_key]',
  'POST /api/v1/webapps/{id}/runs/{runId}/refresh': 'authenticated [session, api_key, backend_token]',
  'POST /oauth/token': 'public',
  'GET /oauth/authorize': 'public',
  'POST /api/v1/gateway/viewers': 'gateway [api_key]',
  'PUT /api/v1/webapps/{id}/runs/{runId}/upstream': 'authenticated [backend_token]',
  'PUT /api/v1/datasets/{id}/files/{path}': 'authenticated [session, api_key, backend_token, impersonation]',
  'PUT /api/v1/datasets/{id}/permissions/groups/{groupId}': 'authenticated [session, api_key]',
  'PUT /api/v1/groups/{id}/impersonation-targets/{targetGroupId}': 'admin [session, api_key]',
  'PUT /api/v1/groups/{id}/members/{userId}': 'admin [session, api_key]',
  'PUT /api/v1/users/me/secret-consents/{webappId}': 'authenticated [session, api_key]',
  'PUT /api/v1/users/me/secrets/{name}': 'authenticated [session, api_key]',
  'PUT /api/v1/webapps/{id}/secret-name-request': 'authenticated [session, api_key]',
};

describe('the permission map', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('matches the reviewed map, route by route', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json() as {
      paths: Record<string, Record<string, { 'x-behalf-permission'?: string; 'x-behalf-credentials'?: string[] }>>;
    };
    const actual: Record<string, string> = {};
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        // A route with neither decorator still requires authentication (deny by default).
        const permission = operation['x-behalf-permission'] ?? 'authenticated';
        const credentials = operation['x-behalf-credentials'];
        actual[`${method.toUpperCase()} ${path}`] = credentials ? `${permission} [${credentials.join(', ')}]` : permission;
      }
    }
    expect(actual).toEqual(EXPECTED);
  });

  it('lists every route the server serves, apart from the documentation itself', async () => {
    const served = new Set(
      routesOf(t.app)
        // The console's static page and assets are not the API (platform/http/web-console.e2e-spec.ts).
        .filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/api/docs') && r.url !== '*' && !(WEB_CONSOLE_ROUTES as readonly string[]).includes(r.url))
        // A trailing wildcard is the `path` parameter in OpenAPI (dataset files).
        .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}').replace(/\/\*$/, '/{path}')}`),
    );
    expect([...served].sort()).toEqual(Object.keys(EXPECTED).sort());
  });
});
