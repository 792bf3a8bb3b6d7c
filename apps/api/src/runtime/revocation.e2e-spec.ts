import type { AuditEvent, Page } from '@behalf/contracts';
import { Client, expectProblem, loginAsAdmin, ManualClock, withBearer } from '../../test/clients';
import { addMember, apiKeyClient } from '../../test/fixtures/identity';
import { exchangeParams, expectOAuthError, impersonationWorld as world, ImpersonationWorld as World, tokenRequest } from '../../test/fixtures/runtime';
import { patchSettings } from '../../test/fixtures/webapps';
import { startTestApp, TestApp } from '../../test/harness';
import { PROPAGATION_BUDGET_MS, startReplicas, timeUntil } from '../../test/replicas';

type Change = (admin: Client, w: World) => Promise<unknown>;
const ok = async (res: Promise<{ statusCode: number; body: string }>) => {
  const r = await res;
  if (r.statusCode >= 300) throw new Error(`${r.statusCode} ${r.body}`);
};

/** Each change the policy depends on, the OAuth error further exchanges get, and the reason. */
const CHANGES: [string, Change, string, string][] = [
  ['the grant is removed', (a, w) => ok(a.request('DELETE', `/api/v1/groups/${w.g1}/impersonation-targets/${w.g2}`)), 'access_denied', 'no_grant'],
  ['the viewer leaves G2', (a, w) => ok(a.request('DELETE', `/api/v1/groups/${w.g2}/members/${w.viewer.id}`)), 'access_denied', 'no_grant'],
  ['the actor leaves G1', (a, w) => ok(a.request('DELETE', `/api/v1/groups/${w.g1}/members/${w.ru.id}`)), 'access_denied', 'no_grant'],
  ['the viewer is disabled', (a, w) => ok(a.request('PATCH', `/api/v1/users/${w.viewer.id}`, { status: 'disabled' })), 'access_denied', 'subject_disabled'],
  // A run lives no longer than its identity's standing: disabling the run-as user stops the run.
  ['the actor is disabled', (a, w) => ok(a.request('PATCH', `/api/v1/users/${w.ru.id}`, { status: 'disabled' })), 'unauthorized_client', 'run_stopped'],
  ['the run stops', (a, w) => ok(a.request('DELETE', `/api/v1/webapps/${w.webappId}/runs/${w.runId}`)), 'unauthorized_client', 'run_stopped'],
  [
    'the webapp stops allowing impersonation',
    (a, w) => patchSettings(a, w.webappId, { allowImpersonation: false }),
    'unauthorized_client',
    'impersonation_not_allowed',
  ],
  ['the webapp is restricted to others', (a, w) => patchSettings(a, w.webappId, { access: 'restricted' }), 'access_denied', 'viewer_cannot_view'],
  [
    'the viewer becomes an admin',
    async (a, w) => {
      const admins = (await a.request('GET', '/api/v1/groups?limit=100')).json<Page<{ id: string; name: string }>>().items.find((g) => g.name === 'admins')!;
      await addMember(a, admins.id, w.viewer.id);
    },
    'access_denied',
    'subject_is_admin',
  ],
];

describe('revocation', () => {
  describe('on one replica', () => {
    let t: TestApp;
    let clock: ManualClock;
    let admin: Client;

    beforeAll(async () => {
      clock = new ManualClock(Date.now());
      t = await startTestApp({ clock });
      admin = (await apiKeyClient(t.app, await loginAsAdmin(t.app))).client;
    });
    afterAll(() => t?.close());

    it.each(CHANGES)('when %s, exchanges fail at once and issued tokens are refused', async (_what, change, error, reason) => {
      const w = await world(t.app, admin);
      const asViewer = withBearer(t.app, w.accessToken);
      expect((await asViewer.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
      await change(admin, w);
      expectOAuthError(await tokenRequest(t.app, exchangeParams(w.idToken, w.backendToken)), error);
      const [record] = (await admin.request('GET', '/api/v1/audit-events?action=token.exchange&limit=1')).json<Page<AuditEvent>>().items;
      expect(record).toMatchObject({ reason, webappId: w.webappId, onBehalfOf: { userId: w.viewer.id } });
      const refused = expectProblem(await asViewer.request('GET', '/api/v1/auth/me'), 401, 'unauthenticated');
      expect(refused.detail).toMatch(/no longer holds|stopped|disabled/);
      const [failure] = (await admin.request('GET', '/api/v1/audit-events?action=auth.authenticate&limit=1')).json<Page<AuditEvent>>().items;
      expect(failure).toMatchObject({ outcome: 'failed', details: { via: 'impersonation_token' } });
      expect(failure.reason).toMatch(new RegExp(`impersonation_revoked:${reason}|run_stopped`));
    });

    it('when the grant expires, exchanges fail and issued tokens are refused (grant_expired)', async () => {
      const w = await world(t.app, admin, { expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() });
      const asViewer = withBearer(t.app, w.accessToken);
      expect((await asViewer.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
      clock.advance(61_000);
      expectOAuthError(await tokenRequest(t.app, exchangeParams(w.idToken, w.backendToken)), 'access_denied');
      const [record] = (await admin.request('GET', '/api/v1/audit-events?action=token.exchange&limit=1')).json<Page<AuditEvent>>().items;
      expect(record.reason).toBe('grant_expired');
      expect(expectProblem(await asViewer.request('GET', '/api/v1/auth/me'), 401).detail).toContain('grant_expired');
    });
  });

  describe('across replicas', () => {
    it('a change made on A refuses tokens and exchanges on B within one second', async () => {
      const r = await startReplicas();
      try {
        const adminA = r.adminA;
        const measured: Record<string, number> = {};
        for (const [what, change] of [CHANGES[0], CHANGES[1], CHANGES[3], CHANGES[5]]) {
          const w = await world(r.a.app, adminA);
          const onB = withBearer(r.b.app, w.accessToken);
          // B has judged (and cached) this token as good.
          expect((await onB.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
          expect((await tokenRequest(r.b.app, exchangeParams(w.idToken, w.backendToken))).statusCode).toBe(200);
          const since = Date.now();
          await change(adminA, w);
          measured[what] = await timeUntil(async () => (await onB.request('GET', '/api/v1/auth/me')).statusCode === 401, since);
          expect((await tokenRequest(r.b.app, exchangeParams(w.idToken, w.backendToken))).statusCode).not.toBe(200);
        }
        for (const ms of Object.values(measured)) expect(ms).toBeLessThanOrEqual(PROPAGATION_BUDGET_MS);
      } finally {
        await r.close();
      }
    });
  });
});
