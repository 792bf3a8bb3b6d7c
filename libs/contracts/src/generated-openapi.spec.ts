import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('the API clients’ types (runtime SDK and web console)', () => {
  it('are generated from the committed apps/api/openapi.json (on failure: `npm run openapi`, and commit)', () => {
    const root = join(__dirname, '../../..');
    const check = spawnSync(process.execPath, [join(root, 'scripts/generate-clients.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
