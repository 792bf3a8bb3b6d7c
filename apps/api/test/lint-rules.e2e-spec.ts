import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../src/common/project-root';

const run = promisify(execFile);
const ESLINT = join(projectRoot(), 'node_modules/.bin/eslint');

/** ESLint's verdict on `files` (paths from the workspace root), as `rule → count`. */
async function lint(files: string[]): Promise<Record<string, number>> {
  const { stdout } = await run(ESLINT, ['--format', 'json', '--no-warn-ignored', ...files], { cwd: projectRoot() }).catch((error: { stdout: string }) => error);
  const counts: Record<string, number> = {};
  for (const file of JSON.parse(stdout) as { messages: { ruleId: string | null }[] }[]) {
    for (const m of file.messages) counts[m.ruleId ?? 'fatal'] = (counts[m.ruleId ?? 'fatal'] ?? 0) + 1;
  }
  return counts;
}

/**
 * The lint that `npm test` runs must catch what the architecture forbids: a library importing an
 * application (or the Node-only server library, also kept out of the runtime SDK), test helpers
 * in a source file, an import cycle, and a floating promise. Each is planted in a scratch file, linted, and removed.
 */
describe('the lint rules', () => {
  let dir: string;
  beforeAll(async () => {
    // The boundary rule reads Nx's project graph, which `npm run lint` computes; so does this.
    await run(join(projectRoot(), 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: projectRoot(), env: { ...process.env, NX_DAEMON: 'false' } });
    dir = await mkdtemp(join(projectRoot(), 'apps/api/src/lint-probe-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** ESLint's verdict on `source` planted as a file of a project (the shared contracts by default). */
  async function lintInContracts(source: string, library = 'contracts', name = 'probe.ts'): Promise<Record<string, number>> {
    const lib = await mkdtemp(join(projectRoot(), library.startsWith('apps/') ? `${library}/src/lint-probe-` : `libs/${library}/src/lint-probe-`));
    try {
      const file = join(lib, name);
      await writeFile(file, source);
      return await lint([relative(projectRoot(), file)]);
    } finally {
      await rm(lib, { recursive: true, force: true });
    }
  }

  it('refuses a library importing an application', async () => {
    const source = "import { API_VERSION } from '../../../../apps/api/src/app';\nexport const version = API_VERSION;\n";
    expect(await lintInContracts(source)).toMatchObject({ '@nx/enforce-module-boundaries': 1 });
  });

  it('keeps the Node-only server library out of the shared contracts (so out of browser and SDK bundles)', async () => {
    const source = "import { redactDeep } from '@behalf/server';\nexport const redact = redactDeep;\n";
    expect(await lintInContracts(source)).toMatchObject({ '@nx/enforce-module-boundaries': 1 });
  });

  it('keeps server code out of the web console (a browser bundle)', async () => {
    const source = "import { redactDeep } from '@behalf/server';\nexport const redact = redactDeep;\n";
    expect(await lintInContracts(source, 'apps/web', 'probe.tsx')).toMatchObject({ '@nx/enforce-module-boundaries': 1 });
  });

  it('keeps server code out of the runtime SDK (what webapp backends install)', async () => {
    const source = "import { redactDeep } from '@behalf/server';\nexport const redact = redactDeep;\n";
    expect(await lintInContracts(source, 'runtime-sdk')).toMatchObject({ '@nx/enforce-module-boundaries': 1 });
  });

  it('keeps the end-to-end test helpers out of every source file', async () => {
    await writeFile(join(dir, 't.ts'), "import { freePort } from '@behalf/testing';\nexport const port = freePort;\n");
    expect(await lint([relative(projectRoot(), join(dir, 't.ts'))])).toEqual({ 'no-restricted-imports': 1 });
  });

  it('refuses an import cycle', async () => {
    await writeFile(join(dir, 'a.ts'), "import { b } from './b';\nexport const a = (): unknown => b;\n");
    await writeFile(join(dir, 'b.ts'), "import { a } from './a';\nexport const b = (): unknown => a;\n");
    expect(await lint([relative(projectRoot(), join(dir, 'a.ts'))])).toEqual({ 'import-x/no-cycle': 1 });
  });

  it('refuses a promise nobody awaits (type-aware, in source files)', async () => {
    await writeFile(join(dir, 'd.ts'), 'async function record(): Promise<void> {}\nexport function handle(): void {\n  record();\n}\n');
    expect(await lint([relative(projectRoot(), join(dir, 'd.ts'))])).toEqual({ '@typescript-eslint/no-floating-promises': 1 });
  });

  it('passes a file that breaks neither rule', async () => {
    await writeFile(join(dir, 'c.ts'), "import { z } from 'zod';\nexport const c = z.string();\n");
    expect(await lint([relative(projectRoot(), join(dir, 'c.ts'))])).toEqual({});
  });
});
