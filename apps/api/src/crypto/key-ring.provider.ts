import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Provider } from '@nestjs/common';
import { CONFIG, Config, ConfigError } from '../platform/config/config';
import { LOGGER } from '../platform/logging/logger.token';
import type { Logger } from '@behalf/server';
import { generateKeyRingText, KeyRing, KeyRingFormatError, parseKeyRing } from './key-ring';

/** Injection token of the {@link KeyRing}. */
export const KEY_RING = Symbol('KEY_RING');

/** Where a development key ring is kept when `BEHALF_KEK` is unset. */
export const developmentKeyRingPath = (dataDir: string) => join(dataDir, 'kek');

/**
 * `BEHALF_KEK` when set. Otherwise (never in production: configuration refuses that) the ring in
 * `$BEHALF_DATA_DIR/kek`, generated on first use, with a warning: it protects nothing the data
 * directory does not already hold.
 */
export async function loadKeyRing(config: Config, logger: Logger): Promise<KeyRing> {
  if (config.kek !== undefined) {
    try {
      return parseKeyRing(config.kek);
    } catch (error) {
      if (!(error instanceof KeyRingFormatError)) throw error;
      throw new ConfigError([`BEHALF_KEK=(hidden): expected a key ring "<version>:<base64 of 32 bytes>[,…]": ${error.message}`]);
    }
  }
  if (config.env === 'production') throw new Error('BEHALF_KEK is required when NODE_ENV=production');
  const path = developmentKeyRingPath(config.dataDir);
  await mkdir(config.dataDir, { recursive: true });
  // Written whole to a temporary file, then linked into place: link fails when the ring exists,
  // so of two processes starting at once one creates it and both read the same complete file.
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${generateKeyRingText()}\n`, { flag: 'wx', mode: 0o600 });
  try {
    await link(temporary, path).then(
      () => logger.warn({ path }, `BEHALF_KEK is unset: generated a development key ring in ${path}. Set BEHALF_KEK in production.`),
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
        logger.warn({ path }, `BEHALF_KEK is unset: using the development key ring in ${path}. Set BEHALF_KEK in production.`);
      },
    );
  } finally {
    await unlink(temporary);
  }
  const text = (await readFile(path, 'utf8')).trim();
  try {
    return parseKeyRing(text);
  } catch (error) {
    if (error instanceof KeyRingFormatError) throw new Error(`${path} is not a valid key ring: ${error.message}`);
    throw error;
  }
}

export const keyRingProvider: Provider = {
  provide: KEY_RING,
  inject: [CONFIG, LOGGER],
  useFactory: (config: Config, logger: Logger) => loadKeyRing(config, logger),
};
