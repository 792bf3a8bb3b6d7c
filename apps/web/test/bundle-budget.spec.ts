import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Measures the production build `npm run build` made (npm test builds first), writing nothing. */
function measure(budgetKb?: number) {
  const root = join(__dirname, '../../..');
  const env = budgetKb === undefined ? process.env : { ...process.env, BUDGET_KB: String(budgetKb) };
  const run = spawnSync(process.execPath, [join(root, 'scripts/web-bundle-report.mjs'), '--check'], { cwd: root, encoding: 'utf8', env });
  const report = JSON.parse(run.stdout.split('\n')[0]) as {
    budgetBytes: number;
    entryBytes: number;
    worstFirstLoad: { bytes: number };
    firstLoadByScreen: Record<string, number>;
  };
  return { status: run.status, stderr: run.stderr, report };
}

describe("the web console's first load", () => {
  it('is at most 300 KB of JavaScript, gzipped, for whichever screen the URL opens', () => {
    const { status, stderr, report } = measure();
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(report.budgetBytes).toBe(300 * 1024);
    expect(report.worstFirstLoad.bytes).toBeLessThanOrEqual(300 * 1024);
    // Every screen is measured, each with the entry it needs.
    expect(Object.keys(report.firstLoadByScreen).sort()).toEqual(
      ['acted-as-me', 'audit', 'dataset', 'datasets', 'explain', 'group', 'groups', 'keys', 'my-secrets', 'user', 'users', 'webapp', 'webapps'].sort(),
    );
    for (const bytes of Object.values(report.firstLoadByScreen)) expect(bytes).toBeGreaterThan(report.entryBytes);
  });

  it('fails the build when a screen is over the budget', () => {
    const { status, stderr } = measure(50);
    expect(status).toBe(1);
    expect(stderr).toMatch(/over the budget by/);
  });
});
