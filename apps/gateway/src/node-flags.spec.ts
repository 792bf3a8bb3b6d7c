import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS, missingNodeFlags } from './node-flags';

const ROOT = join(__dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const command = `node ${GATEWAY_NODE_FLAGS.join(' ')} dist/apps/gateway/main.js`;

/** Every literal start of the gateway uses its Node flags: they cannot be set from inside the process. */
describe('the gateway Node flags', () => {
  it('are in the image', () => {
    expect(read('apps/gateway/Dockerfile')).toContain(
      `CMD ${JSON.stringify(['node', ...GATEWAY_NODE_FLAGS, 'dist/apps/gateway/main.js']).replace(/,/g, ', ')}`,
    );
  });

  it('are in npm run start:gateway and the Nx serve target', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['start:gateway']).toBe(`npm run build && ${command}`);
    const project = JSON.parse(read('apps/gateway/project.json')) as { targets: { serve: { options: { command: string } } } };
    expect(project.targets.serve.options.command).toBe(command);
  });

  it('are in npm start, which reads them from the built module', () => {
    expect(read('scripts/start.mjs')).toContain("[...GATEWAY_NODE_FLAGS, 'dist/apps/gateway/main.js']");
  });

  it('size the young generation and scavenge it on the main thread, and a start without them is told', () => {
    expect(GATEWAY_NODE_FLAGS).toEqual(['--min-semi-space-size=16', '--max-semi-space-size=64', '--no-memory-reducer', '--no-parallel-scavenge']);
    expect(missingNodeFlags(['--min-semi-space-size=16'])).toEqual(['--max-semi-space-size=64', '--no-memory-reducer', '--no-parallel-scavenge']);
    expect(missingNodeFlags([...GATEWAY_NODE_FLAGS, '--enable-source-maps'])).toEqual([]);
  });
});
