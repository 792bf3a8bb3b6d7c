import { loginAsAdmin, SessionClient } from './clients';
import { startTestApp, TestApp } from './harness';

/** How long another replica may take to act on a change (DESIGN.md: "within one second"). */
export const PROPAGATION_BUDGET_MS = 1_000;

export interface Replicas {
  a: TestApp;
  b: TestApp;
  adminA: SessionClient;
  adminB: SessionClient;
  close(): Promise<void>;
}

/** Two API instances on one database, each with an admin session. */
export async function startReplicas(): Promise<Replicas> {
  const a = await startTestApp();
  const b = await startTestApp({ database: a.database });
  return {
    a,
    b,
    adminA: await loginAsAdmin(a.app),
    adminB: await loginAsAdmin(b.app),
    close: async () => {
      await b.close();
      await a.close();
    },
  };
}

/** Polls until `probe` holds; returns how long that took after `since` (fails after 5 budgets). */
export async function timeUntil(probe: () => Promise<boolean>, since: number): Promise<number> {
  for (;;) {
    if (await probe()) return Date.now() - since;
    if (Date.now() - since > 5 * PROPAGATION_BUDGET_MS) throw new Error('the other replica never caught up');
    await new Promise((r) => setTimeout(r, 10));
  }
}
