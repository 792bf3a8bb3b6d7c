// `npm start`: the API and the gateway, each its own process, started together and stopped
// together. Either one exiting stops the other; SIGINT/SIGTERM are passed on to both.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const { GATEWAY_NODE_FLAGS } = createRequire(import.meta.url)('../dist/apps/gateway/node-flags.js');

const children = [
  spawn(process.execPath, ['dist/apps/api/main.js'], { stdio: 'inherit' }),
  spawn(process.execPath, [...GATEWAY_NODE_FLAGS, 'dist/apps/gateway/main.js'], { stdio: 'inherit' }),
];
let exitCode;
for (const child of children) {
  child.on('exit', (code, signal) => {
    exitCode ??= code ?? (signal ? 1 : 0);
    for (const other of children) if (other !== child && other.exitCode === null) other.kill('SIGTERM');
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  });
}
