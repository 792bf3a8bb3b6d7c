import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { projectRoot } from '../../common/project-root';
import { startTestApp, TestApp } from '../../../test/harness';
import { documentCsp } from '@behalf/server';
import { consoleCsp } from './web-console';

/** A page as the build writes it: the nonce placeholder on its tags and in its meta tag. */
const page = (nonce: string) =>
  `<!doctype html><html><head><meta property="csp-nonce" nonce="${nonce}"><script type="module" nonce="${nonce}" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>`;
const INDEX = page('THE_NONCE');
const SCRIPT = 'console.log("the console");'.repeat(50);

describe('the web console, served by the API', () => {
  let t: TestApp;
  let webDir: string;
  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'behalf-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), INDEX);
    writeFileSync(join(webDir, 'assets/index-abc123.js'), SCRIPT);
    writeFileSync(join(webDir, 'assets/index-abc123.js.gz'), gzipSync(SCRIPT));
    t = await startTestApp({ env: { BEHALF_WEB_DIR: webDir } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('serves its page at / and at every console path (the SPA routes), never cached, under a strict CSP with a fresh nonce each time', async () => {
    const nonces = new Set<string>();
    for (const url of ['/', '/login?return_to=%2Foauth%2Fauthorize%3Fx', '/users/123', '/me/acted-as-me', '/audit?action=token.exchange', '/']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-frame-options': 'DENY',
        'x-content-type-options': 'nosniff',
        'cross-origin-opener-policy': 'same-origin',
      });
      // The policy names this response's nonce, and the page carries it wherever the build put the placeholder.
      const csp = String(res.headers['content-security-policy']);
      const nonce = /style-src-elem 'self' 'nonce-([A-Za-z0-9+/]{22}==)'/.exec(csp)?.[1] ?? '';
      expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
      expect(csp).toBe(consoleCsp(nonce));
      expect(res.body).toBe(page(nonce));
      nonces.add(nonce);
    }
    expect(nonces.size).toBe(6);
    const csp = consoleCsp('n0nce');
    // No inline script, no other origin: an injected script tag could not run.
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|\*|nonce)/);
    // Style elements only from this origin or with the nonce; inline style only in attributes.
    expect(csp).toContain("style-src-elem 'self' 'nonce-n0nce';");
    expect(csp).not.toMatch(/style-src-elem[^;]*(unsafe-inline|\*)/);
    expect(csp).toContain("style-src-attr 'unsafe-inline';");
    expect(csp).toContain("frame-ancestors 'none'");
    // docs/security.md states the policy as served.
    expect(readFileSync(join(projectRoot(), 'docs/security.md'), 'utf8')).toContain(`Content-Security-Policy: ${consoleCsp('<nonce>')}\n`);
  });

  it('serves hashed assets for a year, immutable, gzipped to browsers that accept it', async () => {
    const plain = await t.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-type']).toMatch(/javascript/);
    expect(plain.headers['x-content-type-options']).toBe('nosniff');
    const gzipped = await t.app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.rawPayload.length).toBeLessThan(SCRIPT.length);
  });

  it('answers an unknown asset, and any path outside the console, with a 404 problem, not the page', async () => {
    for (const url of ['/assets/nope.js', '/api/v1/nope', '/api/nope', '/oauth/nope', '/.well-known/nope', '/no-such-section', '/usersX']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('leaves the API and its other methods alone: a POST to a console path is no page', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toMatchObject({ status: 'ok' });
    const post = await t.app.inject({ method: 'POST', url: '/users', payload: {} });
    expect(post.statusCode).toBe(404);
  });
});

describe('the API without a console build', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { BEHALF_WEB_DIR: join(tmpdir(), 'behalf-no-console-here') } });
  });
  afterAll(() => t.close());

  it('says on every console path how to build it, and still serves the API', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/users' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
    // The page's own style block, by hash, and nothing else.
    expect(res.headers['content-security-policy']).toBe(documentCsp());
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/assets/index.js' })).statusCode).toBe(404);
  });
});
