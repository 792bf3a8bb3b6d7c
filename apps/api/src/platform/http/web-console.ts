import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { CONSOLE_SECTIONS } from '@behalf/contracts';
import { messageDocument } from '@behalf/server';

/**
 * The console's Content-Security-Policy. Scripts come only from this origin's own files (the
 * build has no inline script), so an injected `<script>` or `javascript:` URL cannot run; the
 * console talks only to this origin; nothing may frame it. Inline styles are allowed: the
 * component library sets `style` attributes and its theme's CSS variables, and styles cannot
 * run code.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

/**
 * The console's routes, apart from the API's: its page at `/` and at and below each of its
 * sections (the console routes in the browser), and its hashed assets. Only these: every other
 * path stays the API's, so an unknown or malformed one is still a 4xx problem.
 */
export const WEB_CONSOLE_ROUTES: readonly string[] = ['/', ...CONSOLE_SECTIONS.flatMap((s) => [`/${s}`, `/${s}/*`]), '/assets/*'];

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // The page names the current build's assets: always revalidated, so a deploy is picked up at once.
  'cache-control': 'no-cache',
  'content-security-policy': CONSOLE_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/**
 * Serves the web console's production build (`webDir`, from `npm run build`): `index.html` at its
 * routes (above), and `assets/` with
 * a year's immutable caching (their names carry a hash of their content). Without a build, every
 * console path answers a page saying how to make one.
 */
export async function serveWebConsole(fastify: FastifyInstance, webDir: string, logger: Logger): Promise<void> {
  const indexFile = join(webDir, 'index.html');
  const index = existsSync(indexFile) ? readFileSync(indexFile) : undefined;
  if (!index) logger.warn(`The web console is not built (no ${indexFile}): \`npm run build\` builds it.`);
  const notBuilt = messageDocument('The console is not built', 'Run npm run build, then start Behalf again.');

  const page = (_request: FastifyRequest, reply: FastifyReply) =>
    index ? reply.code(200).headers(PAGE_HEADERS).send(index) : reply.code(503).headers(PAGE_HEADERS).send(notBuilt);
  for (const route of WEB_CONSOLE_ROUTES) if (route !== '/assets/*') fastify.get(route, page);

  const assets = join(webDir, 'assets');
  if (existsSync(assets)) {
    await fastify.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      dotfiles: 'deny',
      // `<file>.gz` beside each asset (written by the build): sent to browsers that accept gzip.
      preCompressed: true,
      cacheControl: true,
      maxAge: 365 * 24 * 3600 * 1000,
      immutable: true,
      setHeaders: (reply) => void reply.header('x-content-type-options', 'nosniff'),
    });
  } else {
    fastify.get('/assets/*', (_request, reply) => {
      reply.callNotFound();
      return reply;
    });
  }
}
