// Loaded into the benchmarked server with `--import` (Node refuses --cpu-prof in NODE_OPTIONS):
// profiles the whole process and writes <pid>.cpuprofile into BEHALF_BENCH_PROFILE_DIR when the
// bench stops it (SIGTERM). Open the file in Chrome DevTools' Performance panel.
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';

const dir = process.env.BEHALF_BENCH_PROFILE_DIR;
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable', () => session.post('Profiler.start'));
let written = false;
function write() {
  if (written) return;
  written = true;
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
}
process.prependListener('SIGTERM', write);
// SIGUSR2 starts the profile afresh: a bench sends it once seeding and warm-up are done, so the
// profile holds the measured load only.
process.on('SIGUSR2', () => session.post('Profiler.stop', () => session.post('Profiler.start')));
process.on('beforeExit', write);
