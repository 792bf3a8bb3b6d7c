import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * The repository (or image) root: the nearest directory above this file whose package.json is
 * Behalf's. Works from the sources, from dist/, and from the benchmark's own build alike.
 */
export function projectRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'behalf') {
      cached = dir;
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no Behalf package.json above ${__dirname}`);
  }
}
