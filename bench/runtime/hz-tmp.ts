import { drive, startServer } from './world';
(async () => {
  const s = await startServer();
  try {
    console.log('healthz', await drive(s.url, [{ method: 'GET', path: '/healthz' }], 15));
  } finally {
    await s.stop();
  }
})();
