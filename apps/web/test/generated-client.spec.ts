import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe("the web console's API client", () => {
  it('is typed from the committed apps/api/openapi.json (on failure: `npm run openapi`, and commit)', () => {
    const root = join(__dirname, '../../..');
    const check = spawnSync(process.execPath, [join(root, 'scripts/generate-clients.mjs'), '--check', 'apps/web/src/api/openapi.ts'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
