import { anonymous, expectProblem, withBearer } from '../clients';
import { exchangeParams, tokenRequest } from '../fixtures/runtime';
import { sql, startTestApp } from '../harness';

/** Attack 8 of issue 14: an anonymous flood must not grow the audit log without bound. */
describe('attacks on the audit log', () => {
  describe('8. unbounded audit growth', () => {
    it('records a flood of refused credentials and throttled logins as bounded rows, with their count', async () => {
      // An app of its own whose shutdown writes the counts of the minute (this file's only app:
      // Passport's strategies are process-wide, so a second app would take over the first's).
      const flooded = await startTestApp();
      const count = async (action: string, reason: string) =>
        await sql<{ id: string; details: { aggregated?: { count: number } } }>(
          flooded.database.url,
          'SELECT id, details FROM audit_events WHERE action = $1 AND reason = $2 ORDER BY id',
          [action, reason],
        );
      try {
        const bogus = withBearer(flooded.app, `bhk_00000000-0000-4000-8000-000000000000_${'x'.repeat(43)}`);
        for (let i = 0; i < 150; i += 1) expectProblem(await bogus.request('GET', '/api/v1/auth/me'), 401);
        for (let i = 0; i < 60; i += 1)
          await anonymous(flooded.app).request('POST', '/api/v1/auth/login', { login: 'flooded-account', password: 'wrong-password' });
        for (let i = 0; i < 60; i += 1) await tokenRequest(flooded.app, exchangeParams('garbage', 'not.a.token'));
      } finally {
        // Stopping writes the counts of the minute; the database stays to be read.
        await flooded.stop();
      }
      try {
        const keys = await count('auth.authenticate', 'unknown_api_key');
        expect(keys).toHaveLength(2);
        expect(keys[1].details.aggregated?.count).toBe(149);
        const logins = await count('auth.login', 'account_locked_out');
        expect(logins.length).toBeLessThanOrEqual(2);
        expect(1 + (logins[1]?.details.aggregated?.count ?? 0)).toBe(55);
        const exchanges = await count('token.exchange', 'actor_token_invalid');
        expect(exchanges).toHaveLength(2);
        expect(exchanges[1].details.aggregated?.count).toBe(59);
      } finally {
        await flooded.database.drop();
      }
    });
  });
});
