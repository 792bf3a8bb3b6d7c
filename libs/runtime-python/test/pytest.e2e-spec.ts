import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cloneTestDatabase } from '@behalf/testing';

/**
 * The Python SDK's pytest suite, run by jest so it runs with everything else: its unit tests, and
 * its tests against a real API, which conftest.py starts on a database cloned here from the run's
 * migrated template.
 */
describe('the Python SDK (pytest)', () => {
  it('passes its unit tests and its tests against a real API', async () => {
    const { url: dbUrl, drop } = await cloneTestDatabase('py');
    const root = join(__dirname, '../../..');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
      const child = spawn('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'libs/runtime-python/tests'], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BEHALF_TEST_DATABASE_URL: dbUrl.toString(), PYTHONDONTWRITEBYTECODE: '1' },
      });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      child.stderr.on('data', (c: Buffer) => (text += c.toString()));
      child.on('exit', (exitCode) => done({ code: exitCode, output: text }));
    });
    await drop();
    // pytest's own report, shown when anything failed.
    expect({ code, output }).toEqual({ code: 0, output: expect.stringMatching(/\d+ passed/) });
    expect(output).not.toMatch(/failed|error|skipped/i);
  }, 240_000);
});
