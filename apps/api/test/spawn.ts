import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/common/project-root';
import { TEST_KEK } from './harness';

/** The built server, as `npm start` runs it (found from the sources and from the benchmarks' build). */
const MAIN = join(projectRoot(), 'dist/apps/api/main.js');

export interface Server {
  child: ChildProcess;
  output: () => string;
  url: Promise<string>;
  exited: Promise<number | null>;
}

/** Every server spawned and every data directory made for one; {@link stopSpawned} ends them. */
const started: ChildProcess[] = [];
const dataDirs: string[] = [];

/**
 * Starts the built server in a process of its own on a free port. It gets a key ring and, unless
 * `env` names one, a temporary data directory of its own: nothing lands in the working directory.
 */
export function spawnServer(env: Record<string, string>): Server {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does).`);
  let dataDir = env.BEHALF_DATA_DIR;
  if (!dataDir) {
    dataDir = mkdtempSync(join(tmpdir(), 'behalf-server-'));
    dataDirs.push(dataDir);
  }
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      BEHALF_LOG_LEVEL: 'info',
      BEHALF_KEK: TEST_KEK,
      ...env,
      BEHALF_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  const url = new Promise<string>((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Behalf API listening on (http:\/\/[^"\s]+)/.exec(output);
      if (match) resolveUrl(match[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  url.catch(() => undefined);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => output, url, exited };
}

/** SIGTERM, and the exit code. */
export async function stop(server: Server): Promise<number | null> {
  if (server.child.exitCode === null) server.child.kill('SIGTERM');
  return server.exited;
}

/** For `afterEach`: kills whatever a test left running and removes the data directories made for it. */
export async function stopSpawned(): Promise<void> {
  const running = started.splice(0).filter((child) => child.exitCode === null && child.signalCode === null);
  await Promise.all(running.map((child) => new Promise((r) => child.once('exit', r).kill('SIGKILL'))));
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A free loopback port, for a server whose URL (its issuer) must be known before it starts. */
export { freePort } from '@behalf/testing';

/**
 * Waits until a server started on a known port answers `/readyz` (for servers that log too
 * little to announce themselves); fails if it exits first or takes over `timeoutMs`.
 */
export async function whenReady(url: string, server: Server, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`the server exited (${server.child.exitCode}) before it was ready:\n${server.output()}`);
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline) throw new Error(`the server was not ready after ${timeoutMs} ms:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
