import { CONSOLE_SECTIONS } from '@behalf/contracts/console';
import { SCREEN_PATHS } from './paths';

describe('the console’s paths', () => {
  it('all lie under the sections the API serves the console at, and every section has a screen', () => {
    const sections = new Set(SCREEN_PATHS.map((path) => path.split('/')[1]));
    expect([...sections].sort()).toEqual([...CONSOLE_SECTIONS].sort());
  });
});
