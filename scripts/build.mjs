// `npm run build`: every project, in dependency order, with independent ones side by side (the
// API's compile is the long pole; its libraries and the console build next to each other). Stops
// at the first failure, with that command's output.
//
// `--start` (what `npm start` runs) builds only what the servers run (contracts, server, API,
// gateway, console) and compiles TypeScript with swc, which transpiles without checking types
// (as Nest's own `nest start -b swc` does): seconds instead of tsc's twenty. Types are checked by
// `npm run build` and `npm run typecheck`, both part of `npm test`, and jest runs every test on
// swc's output of the same sources with these same options.
import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tsc = (project) => [require.resolve('typescript/bin/tsc'), '-p', project];
const vite = [join(dirname(require.resolve('vite/package.json')), 'bin/vite.js'), 'build', '--config', 'apps/web/vite.config.mts', '--logLevel', 'warn'];

/** Each stage's tasks run together; a task is commands run one after the other. */
const stages = [
  [[tsc('libs/contracts/tsconfig.lib.json')], [vite, ['scripts/web-bundle-report.mjs']]],
  [[tsc('libs/server/tsconfig.lib.json')], [tsc('libs/runtime-sdk/tsconfig.lib.json')], [tsc('libs/testing/tsconfig.lib.json')]],
  [[tsc('apps/api/tsconfig.app.json')], [tsc('apps/gateway/tsconfig.app.json')]],
];

/** swc's options: jest's (package.json), so the servers run what the tests ran. */
const SWC = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
};

/** Every source file of `src` (no tests) transpiled by swc into `out`, side by side with its map. */
async function transpile(src, out) {
  const swc = require('@swc/core');
  const files = (await readdir(join(root, src), { recursive: true })).filter((f) => f.endsWith('.ts') && !/\.(e2e-)?spec\.ts$/.test(f) && !f.endsWith('.d.ts'));
  await Promise.all(
    files.map(async (file) => {
      const target = join(root, out, file.replace(/\.ts$/, '.js'));
      const { code, map } = await swc.transformFile(join(root, src, file), { ...SWC, sourceFileName: join(root, src, file), outputPath: target });
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
      if (map) await writeFile(`${target}.map`, map);
    }),
  );
}

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (output.trim()) process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
      if (code === 0) resolve();
      else reject(new Error(`${args.slice(1).join(' ')} failed (exit ${code})`));
    });
  });
}

const started = Date.now();
try {
  if (process.argv.includes('--start')) {
    await Promise.all([
      (async () => {
        for (const [src, out] of [
          ['libs/contracts/src', 'libs/contracts/dist'],
          ['libs/server/src', 'libs/server/dist'],
          ['apps/api/src', 'dist/apps/api'],
          ['apps/gateway/src', 'dist/apps/gateway'],
        ])
          await transpile(src, out);
      })(),
      (async () => {
        await run(vite);
        await run(['scripts/web-bundle-report.mjs']);
      })(),
    ]);
    console.log(`built for start in ${((Date.now() - started) / 1000).toFixed(1)} s (swc: types are checked by npm test)`);
    process.exit(0);
  }
  for (const stage of stages) {
    await Promise.all(
      stage.map(async (task) => {
        for (const command of task) await run(command);
      }),
    );
  }
  console.log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
