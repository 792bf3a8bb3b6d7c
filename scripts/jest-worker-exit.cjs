// Loaded into jest and its workers (`node --require` in `npm test`; jest-worker forks its workers
// with the parent's execArgv). A jest worker ends by letting its event loop drain, and Node then
// frees its whole environment on the way out: every native object a run of NestJS apps left
// (HTTP parsers, key objects, DNS channels) and the heap. Workers holding 300-550 MB after
// apps/api's suites took 350-530 ms to die on two cores (80 ms after a few unit tests), against
// the 500 ms jest-worker waits before it kills one and prints "A worker process has failed to
// exit gracefully ... tests leaking due to improper teardown": no leak, only a slow exit. Once
// the loop has drained (no write, timer or socket left, so nothing is cut short), `process.exit`
// ends the worker without that walk (measured: 80-240 ms). The walk still grows with the worker:
// after a whole `npm test` one holding 1.3 GB took 496 ms even so, hence jest's
// `workerIdleMemoryLimit` (package.json): a worker past 512 MB of heap after a suite is replaced
// (SIGTERM, no walk), and the last ones died 82-291 ms after they were told to end.
'use strict';
if (/jest-worker[\\/]build[\\/]processChild\.js$/.test(process.argv[1] ?? '')) {
  process.once('beforeExit', (code) => process.exit(code));
}
