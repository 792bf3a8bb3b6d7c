// Generates the typed API clients' types from the committed OpenAPI document (apps/api/openapi.json)
// with openapi-typescript, for the runtime SDK's and the web console's clients. `--check` writes
// nothing and fails when the committed types are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'apps/api/openapi.json');
// One file of wire types in the shared contracts, which the runtime SDK's client and the web
// console's both import.
const targets = [join(root, 'libs/contracts/src/generated/openapi.ts')];

const header = '// Generated from apps/api/openapi.json by scripts/generate-clients.mjs (`npm run openapi`): do not edit.\n';
const text = header + astToString(await openapiTS(JSON.parse(readFileSync(source, 'utf8'))));

let stale = 0;
for (const target of targets) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: stale
  }
  if (current === text) continue;
  if (process.argv.includes('--check')) {
    console.error(`${target} is stale: run \`npm run openapi\` and commit it.`);
    stale += 1;
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${target}`);
  }
}
process.exit(stale ? 1 : 0);
