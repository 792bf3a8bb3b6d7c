import express from 'express';
import { BehalfError, BehalfRuntime, behalfExpress } from '@behalf/runtime';

const behalf = BehalfRuntime.fromEnv();
const app = express();
// req.viewer: who views (the gateway's identity token, verified); req.behalf: the SDK acting as them.
app.use(behalfExpress(behalf));
app.get('/', async (req, res, next) => {
  try {
    const names = (await req.behalf.datasets.list()).map((d) => d.name);
    res.type('text').send(`Hello ${req.viewer.displayName}. Your datasets: ${names.join(', ') || 'none'}`);
  } catch (error) {
    if (!(error instanceof BehalfError)) return next(error);
    res.status(error.status).type('text').send(error.message); // e.g. 403: no grant covers this viewer
  }
});
app.listen(Number(process.env.PORT), '127.0.0.1');
