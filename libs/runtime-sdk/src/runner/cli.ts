#!/usr/bin/env node
import { BehalfError } from '../errors';
import { Runner } from './runner';

const USAGE = `Usage: behalf start <webapp id, slug or name> -- <command> [args…]

Starts a run of the webapp in Behalf, launches the command with the run's launch spec as its
environment (PORT, BEHALF_URL, BEHALF_WEBAPP_ID, BEHALF_RUN_ID, BEHALF_BACKEND_TOKEN_FILE), and
routes the gateway to it. "$PORT" in the command becomes the port chosen.

Environment: BEHALF_URL (default http://127.0.0.1:3000); BEHALF_API_KEY, or BEHALF_LOGIN and
BEHALF_PASSWORD: who starts the run.`;

async function main(argv: string[]): Promise<number> {
  const dashes = argv.indexOf('--');
  const [verb, webapp, ...extra] = dashes >= 0 ? argv.slice(0, dashes) : argv;
  const command = dashes >= 0 ? argv.slice(dashes + 1) : [];
  if (verb !== 'start' || !webapp || extra.length || !command.length) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const runner = new Runner({
    url: process.env.BEHALF_URL ?? 'http://127.0.0.1:3000',
    auth: { apiKey: process.env.BEHALF_API_KEY, login: process.env.BEHALF_LOGIN, password: process.env.BEHALF_PASSWORD },
    webapp,
    command,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => runner.interrupt());
  return runner.start();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[behalf] ${error instanceof BehalfError ? error.message : String((error as Error).stack ?? error)}\n`);
    process.exit(1);
  },
);
