import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

/** The README's "Write your first webapp" shows the code the end-to-end test runs, verbatim, and it stays short. */
describe('the README’s first webapps', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  it.each([
    ['apps/examples/hello-flask/app.py', 'python'],
    ['apps/examples/hello-express/server.mjs', 'js'],
  ])('%s is in the README as it is, in fewer than 20 lines of code', (path, language) => {
    const code = readFileSync(join(ROOT, path), 'utf8');
    expect(readme).toContain(`\`\`\`${language}\n${code}\`\`\``);
    expect(code.split('\n').filter((line) => line.trim() && !line.trim().startsWith('#') && !line.trim().startsWith('//')).length).toBeLessThan(20);
  });
});
