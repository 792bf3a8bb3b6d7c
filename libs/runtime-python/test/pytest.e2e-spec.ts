import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * The Python SDK's pytest suite, run by jest so it runs with everything else: its unit tests, and
 * its tests against a real API, which conftest.py starts on a database cloned here from the run's
 * migrated template.
 */
const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is unset: run through jest, whose global set-up provides it.`);
  return value;
};

describe('the Python SDK (pytest)', () => {
  it('passes its unit tests and its tests against a real API', async () => {
    const adminUrl = required('BEHALF_TEST_ADMIN_URL');
    const database = `${required('BEHALF_TEST_DB_PREFIX')}py_${randomBytes(5).toString('hex')}`;
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database} TEMPLATE ${required('BEHALF_TEST_TEMPLATE_DB')}`);
    await admin.end();
    const dbUrl = new URL(adminUrl);
    dbUrl.pathname = `/${database}`;
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
    // pytest's own report, shown when anything failed.
    expect({ code, output }).toEqual({ code: 0, output: expect.stringMatching(/\d+ passed/) });
    expect(output).not.toMatch(/failed|error|skipped/i);
  }, 240_000);
});
