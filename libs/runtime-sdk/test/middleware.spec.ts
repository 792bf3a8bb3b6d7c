import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { behalfExpress, behalfFastify, Viewer } from '../src';
import { fakeWorld, json, Keys, OTHER_WEBAPP } from './fake-behalf';

const NOW = Math.floor(Date.now() / 1000);

async function setUp() {
  const { keys, behalf, runtime } = await fakeWorld(NOW);
  behalf.on('/oauth/token', () =>
    json(200, { access_token: 'at-1', issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 300 }),
  );
  behalf.on('/api/v1/datasets', (call) => json(200, { items: [{ id: 'd', name: String(call.headers.get('authorization')) }] }));
  return { keys, runtime };
}

/** The routes both frameworks serve: who views, and a dataset listing made as them through req.behalf. */
const answer = async (request: { viewer?: Viewer; behalf?: { datasets: { list(): Promise<{ name: string }[]> } } }) => ({
  login: request.viewer?.login,
  as: (await request.behalf!.datasets.list())[0].name,
});

describe('the middleware in real frameworks', () => {
  it('Express 5: req.viewer and req.behalf as the viewer; 401 and 403 problems otherwise', async () => {
    const { keys, runtime } = await setUp();
    const app = express();
    app.use(behalfExpress(runtime));
    app.get('/', async (req, res) => {
      res.json(await answer(req as never));
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const ok = await fetch(base, { headers: { 'x-behalf-identity': await keys.identity(NOW) } });
      expect(await ok.json()).toEqual({ login: 'bob', as: 'Bearer at-1' });
      const missing = await fetch(base);
      expect([missing.status, missing.headers.get('content-type')]).toEqual([401, 'application/problem+json; charset=utf-8']);
      expect(await missing.json()).toMatchObject({ type: 'https://behalf.dev/problems/viewer-unauthenticated', status: 401, code: 'identity_missing' });
      const other = await fetch(base, { headers: { 'x-behalf-identity': await keys.identity(NOW, { aud: `webapp:${OTHER_WEBAPP}` }) } });
      expect(other.status).toBe(403);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('Fastify 5: the onRequest hook does the same', async () => {
    const { keys, runtime } = await setUp();
    const app = Fastify();
    app.addHook('onRequest', behalfFastify(runtime));
    app.get('/', async (request) => answer(request as never));
    try {
      const ok = await app.inject({ url: '/', headers: { 'x-behalf-identity': await keys.identity(NOW) } });
      expect(ok.json()).toEqual({ login: 'bob', as: 'Bearer at-1' });
      const forged = await app.inject({ url: '/', headers: { 'x-behalf-identity': await (await Keys.make()).identity(NOW) } });
      expect(forged.statusCode).toBe(401);
      expect(forged.json()).toMatchObject({ code: 'identity_signature' });
    } finally {
      await app.close();
    }
  });
});
