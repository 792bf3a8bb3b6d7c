import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset, Group, StartedRun, User, Webapp } from '@behalf/contracts';
import { loginAsAdmin } from '../../../test/clients';
import { apiKeyClient, createGroup, createUser } from '../../../test/fixtures/identity';
import { createWebapp } from '../../../test/fixtures/webapps';
import { startTestApp, TestApp } from '../../../test/harness';
import { projectRoot } from '../../common/project-root';

/**
 * Issue 14's fuzz test: every route of the committed OpenAPI document gets hostile values in each
 * of its parameters and body fields, one at a time (NUL, other controls, lone surrogates, 1 MB
 * strings, wrong types, huge numbers, forged cursors, `__proto__` keys). The API must never
 * answer 5xx, and every 4xx must be a problem document (an RFC 6749 error on the token endpoint);
 * a validation problem must name the field that was attacked.
 */
interface Schema {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  minItems?: number;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
}
interface Operation {
  parameters?: { name: string; in: 'query' | 'path'; required?: boolean; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  'x-behalf-credentials'?: string[];
  'x-behalf-permission'?: string;
}
const document = JSON.parse(readFileSync(join(projectRoot(), 'apps/api/openapi.json'), 'utf8')) as { paths: Record<string, Record<string, Operation>> };

const MB = 'x'.repeat(1_048_576);
const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
/** Hostile values for a string field; numbers and the like join them in bodies. */
const HOSTILE_TEXT = ['\u0000', 'a\u0000b', 'a\u0001b\u001f', '\uD800', 'x\uDC00y', MB, '', ' ', '../../etc/passwd', '%00'];
const HOSTILE_JSON: unknown[] = [...HOSTILE_TEXT, 1e308, -1, 2 ** 64, 0.5, true, null, [], [[]], {}, { __proto__: { admin: true } }, ['\u0000']];
/** Raw (already encoded) values for query strings and paths. */
const HOSTILE_RAW = [
  '%00',
  'a%00b',
  '%01%1F',
  '%ED%A0%80',
  '%C0%80',
  'x'.repeat(3000),
  '',
  '..',
  '%2e%2e%2f',
  '1e308',
  '-1',
  '99999999999999999999',
  cursor(['x']),
  cursor([1, 2]),
  cursor({ a: 1 }),
  cursor(['\u0000', 'x']),
  '%%%',
  'eyJ',
];
const CURSORS = [
  cursor(['not-a-uuid']),
  cursor(['2030-01-01T00:00:00.000Z', 'not-a-uuid']),
  cursor(['99999999999999999999999']),
  cursor(['a', 'b', 'c']),
  cursor([null]),
];

/** A value `schema` accepts, for the fields not under attack. */
function valid(schema: Schema, name: string, ids: Record<string, string>): unknown {
  const options = schema.oneOf ?? schema.anyOf;
  if (options) return valid(options[0], name, ids);
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'array':
      // As few items as the schema allows, each valid (and distinct: strings are generated apart).
      return Array.from({ length: schema.minItems ?? 0 }, () => valid(schema.items ?? {}, name, ids));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = valid(schema.properties?.[key] ?? {}, key, ids);
      return out;
    }
    default: {
      if (schema.format === 'uuid') return ids[name] ?? ids.user;
      const candidates = [
        `fuzz${Date.now() % 100000}${Math.floor(Math.random() * 1e6)}`,
        'fuzz-secret-long-enough',
        'fuzz@example.com',
        'https://example.com/x',
        '2030-01-01T00:00:00.000Z',
      ];
      if (schema.format === 'email') return candidates[2];
      if (schema.format === 'date-time') return candidates[4];
      const fits = (c: string) =>
        (!schema.pattern || new RegExp(schema.pattern).test(c)) && c.length >= (schema.minLength ?? 0) && c.length <= (schema.maxLength ?? Infinity);
      return candidates.find(fits) ?? candidates[0];
    }
  }
}

interface Attempt {
  route: string;
  field: string;
  value: string;
  status: number;
  problem: string;
}

describe('hostile input on every route (fuzz)', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let apiKey: string;
  let backendToken: string;
  const failures: Attempt[] = [];
  let sent = 0;

  beforeAll(async () => {
    // A generous body limit would let 1 MB strings reach the schemas; the default lets them stop at the parser.
    t = await startTestApp({ env: { BEHALF_RUNTIME_RATE_PER_SECOND: '1000000' } });
    const admin = await loginAsAdmin(t.app);
    apiKey = (await apiKeyClient(t.app, admin)).key;
    const user: User = await createUser(admin);
    const group: Group = await createGroup(admin);
    const other: Group = await createGroup(admin);
    const webapp: Webapp = await createWebapp(admin);
    const dataset = (await admin.request('POST', '/api/v1/datasets', { name: 'fuzz-dataset' })).json<Dataset>();
    const run = (await admin.request('POST', `/api/v1/webapps/${webapp.id}/runs`, {})).json<StartedRun>();
    backendToken = run.backendToken;
    ids = {
      user: user.id,
      userId: user.id,
      groupId: group.id,
      targetGroupId: other.id,
      runId: run.runId,
      webappId: webapp.id,
      ownerUserId: user.id,
      runAsUserId: user.id,
    };
    // `id` depends on the route's first segment.
    ids.webapps = webapp.id;
    ids.groups = group.id;
    ids.users = user.id;
    ids.datasets = dataset.id;
    ids['api-keys'] = '00000000-0000-4000-8000-000000000000';
  });
  afterAll(() => t?.close());

  const pathOf = (template: string, override?: [string, string]) =>
    template.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (override && override[0] === name) return override[1];
      if (name === 'id') return ids[template.split('/')[3]] ?? ids.user;
      if (name === 'name') return 'fuzzsecret';
      if (name === 'path') return 'fuzz/file.txt';
      return ids[name] ?? ids.user;
    });

  const HTML_ROUTES = new Set(['GET /oauth/authorize']);

  async function send(route: string, method: string, op: Operation, url: string, body: unknown, field: string, shown: string, raw?: string): Promise<void> {
    const credentials = op['x-behalf-credentials'];
    const authorization = !credentials ? undefined : credentials.includes('api_key') ? `Bearer ${apiKey}` : `Bearer ${backendToken}`;
    const form = route === 'POST /oauth/token';
    const headers: Record<string, string> = { ...(authorization ? { authorization } : {}) };
    let payload: string | undefined;
    if (raw !== undefined) {
      payload = raw;
      headers['content-type'] = 'application/json';
    } else if (body !== undefined) {
      payload = form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body);
      headers['content-type'] = form ? 'application/x-www-form-urlencoded' : 'application/json';
    }
    const res = await t.app.inject({ method: method as 'GET', url, headers, payload });
    sent += 1;
    const contentType = String(res.headers['content-type'] ?? '');
    const record = (problem: string): void => void failures.push({ route, field, value: shown, status: res.statusCode, problem });
    if (res.statusCode >= 500) return record(res.body.slice(0, 300));
    if (res.statusCode < 400) return;
    // The token endpoint answers RFC 6749 errors; what the HTTP layer refuses before it (a body
    // over the limit) is a problem like everywhere.
    if (form && /^application\/json/.test(contentType)) {
      if (typeof res.json<{ error?: unknown }>().error !== 'string') record(`not an RFC 6749 error: ${res.body.slice(0, 200)}`);
      return;
    }
    // The authorization endpoint and its login step are pages a person reads (RFC 6749 §4.1.2.1).
    if (HTML_ROUTES.has(route) && /^text\/html/.test(contentType)) return;
    if (!/^application\/problem\+json/.test(contentType)) return record(`not a problem: ${contentType} ${res.body.slice(0, 200)}`);
    const problem = res.json<{ type: string; errors?: { path: string }[] }>();
    if (problem.type.endsWith('/validation-failed')) {
      const named = (problem.errors ?? []).some(
        (e) => e.path === field || e.path.startsWith(`${field}.`) || (field.endsWith('.*') && e.path.startsWith(field.slice(0, -2))),
      );
      if (!named) record(`names ${JSON.stringify(problem.errors?.map((e) => e.path))}, not ${field}`);
    }
  }

  it('never answers 5xx, and refuses with problems that name the field', async () => {
    for (const [template, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const route = `${method.toUpperCase()} ${template}`;
        const json = op.requestBody?.content['application/json']?.schema ?? op.requestBody?.content['application/x-www-form-urlencoded']?.schema;
        const baseline = json ? (valid(json, '', ids) as Record<string, unknown>) : undefined;
        // Required query parameters get valid values while another is under attack.
        const required = (op.parameters ?? []).filter((p) => p.in === 'query' && p.required);
        const queryWith = (name: string, value: string) =>
          [
            ...required.filter((p) => p.name !== name).map((p) => `${p.name}=${encodeURIComponent(String(valid(p.schema ?? {}, p.name, ids)))}`),
            `${name}=${value}`,
          ].join('&');
        const url = pathOf(template);

        // Path parameters.
        for (const name of [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
          for (const value of HOSTILE_RAW) {
            if (value === '') continue;
            await send(route, method, op, pathOf(template, [name, value]), baseline, `params.${name}`, value.slice(0, 40));
          }
        }
        // Query parameters, alone and repeated.
        for (const parameter of (op.parameters ?? []).filter((p) => p.in === 'query')) {
          const values = parameter.name === 'cursor' ? [...HOSTILE_RAW, ...CURSORS] : HOSTILE_RAW;
          for (const value of values)
            await send(route, method, op, `${url}?${queryWith(parameter.name, value)}`, baseline, `query.${parameter.name}`, value.slice(0, 40));
          await send(route, method, op, `${url}?${queryWith(parameter.name, '1')}&${parameter.name}=2`, baseline, `query.${parameter.name}`, 'repeated');
        }
        if (!json || !baseline) continue;
        // Body fields, and one level below for objects; then hostile keys.
        for (const [name, schema] of Object.entries(json.properties ?? {})) {
          for (const value of HOSTILE_JSON) {
            await send(route, method, op, url, { ...baseline, [name]: value }, `body.${name}`, JSON.stringify(value)?.slice(0, 40) ?? 'undefined');
          }
          for (const [sub] of Object.entries(schema.properties ?? {})) {
            for (const value of HOSTILE_JSON.slice(0, 6)) {
              const inner = { ...(valid(schema, name, ids) as Record<string, unknown>), [sub]: value };
              await send(route, method, op, url, { ...baseline, [name]: inner }, `body.${name}.${sub}`, JSON.stringify(value).slice(0, 40));
            }
          }
        }
        if (route === 'POST /oauth/token') continue;
        await send(route, method, op, url, undefined, 'body', '__proto__ key', `{"__proto__": {"admin": true}, ${JSON.stringify(baseline).slice(1)}`);
        await send(route, method, op, url, undefined, 'body', 'constructor.prototype', `{"constructor": {"prototype": {"admin": true}}}`);
        await send(route, method, op, url, { ...baseline, ['k\u0000']: 1 }, 'body.*', 'NUL key');
        await send(route, method, op, url, undefined, 'body', 'not JSON', '{"unterminated": ');
      }
    }
    expect(sent).toBeGreaterThan(3000);
    expect(failures).toEqual([]);
  }, 170_000);
});
