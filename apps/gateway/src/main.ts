import { readFile } from 'node:fs/promises';
import { createLogger } from '@behalf/server';
import { insecureDefaults, loadGatewayConfig } from './config';
import { buildGateway } from './gateway';
import { missingNodeFlags } from './node-flags';

/** Reads the gateway's API key: the variable, or the file the API writes at its first start (waited for). */
async function readApiKey(source: { value: string } | { file: string }, log: (message: string) => void): Promise<string> {
  if ('value' in source) return source.value;
  for (let attempt = 0; ; attempt += 1) {
    const text = await readFile(source.file, 'utf8').catch(() => undefined);
    if (text && text.trim() !== '') return text.trim();
    if (attempt === 0) log(`waiting for the API to write the gateway's key to ${source.file} (or set BEHALF_GATEWAY_API_KEY)`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadGatewayConfig(process.env);
  } catch (error) {
    process.stderr.write(`behalf-gateway: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel, undefined, 'behalf-gateway');
  for (const warning of insecureDefaults(config)) logger.warn({ insecureDefault: true }, warning);
  const missing = missingNodeFlags();
  if (missing.length > 0) logger.warn({ missing }, 'gateway: started without its Node flags: expect more frequent GC pauses (see docs/operations.md)');
  const apiKey = await readApiKey(config.apiKey, (message) => logger.info(message));
  const gateway = buildGateway(config, () => apiKey, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'gateway: stopping');
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const address = await gateway.listen();
  logger.info({ address, apps: config.appsUrl }, 'gateway listening');
  process.stdout.write(`Behalf gateway on ${address}: webapps at ${config.appsUrl.replace('*', '<slug>')}\n`);
}

void main();
