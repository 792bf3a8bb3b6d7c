// `npm run build`: every project, in dependency order, with independent ones side by side (the
// API's compile is the long pole; its libraries and the console build next to each other). Stops
// at the first failure, with that command's output.
import { spawn } from 'node:child_process';
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
  [[tsc('libs/server/tsconfig.lib.json')], [tsc('libs/runtime-sdk/tsconfig.lib.json')]],
  [[tsc('apps/api/tsconfig.app.json')], [tsc('apps/gateway/tsconfig.app.json')]],
];

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
