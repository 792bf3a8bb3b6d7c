import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { CONSOLE_SECTIONS } from '@behalf/contracts';
import { documentCsp, messageDocument } from '@behalf/server';

/**
 * The console's Content-Security-Policy for a page served with `nonce`. Scripts come only from this
 * origin's own files (the build has no inline script), so an injected `<script>` or `javascript:`
 * URL cannot run; the console talks only to this origin; nothing may frame it. Style elements and
 * sheets: this origin's files, and the elements the console writes itself (the component library's
 * theme variables, a dialog's scroll lock), which carry the page's nonce; an injected `<style>` or
 * a sheet from elsewhere does not apply, so no injected selector can read the page out. Style
 * attributes are allowed (the component library sets them; an attribute styles its own element and
 * has no selectors). A browser that predates the `-elem` and `-attr` directives falls back to
 * `style-src`, which allows both as before.
 */
export function consoleCsp(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `style-src-elem 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** A fresh nonce for one response of the console's page: 128 random bits. */
const freshNonce = () => randomBytes(16).toString('base64');

/**
 * The console's routes, apart from the API's: its page at `/` and at and below each of its
 * sections (the console routes in the browser), and its hashed assets. Only these: every other
 * path stays the API's, so an unknown or malformed one is still a 4xx problem.
 */
export const WEB_CONSOLE_ROUTES: readonly string[] = ['/', ...CONSOLE_SECTIONS.flatMap((s) => [`/${s}`, `/${s}/*`]), '/assets/*'];

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // The page names the current build's assets and carries its own nonce: never reused from a cache.
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  // A window another origin opened (a webapp's script, say) keeps no handle on the console's: it
  // cannot count its frames, watch it navigate or send it somewhere else.
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * The page as the pieces between its nonce placeholders, to be joined by each response's nonce. The
 * build writes the placeholder (Vite's `html.cspNonce`, apps/web/vite.config.mts) on its tags and
 * in `<meta property="csp-nonce" nonce="…">`, where it is read from. One piece: no placeholder.
 */
export function noncePieces(page: string): string[] {
  const placeholder = /<meta property="csp-nonce" nonce="([A-Za-z0-9_-]+)"/.exec(page)?.[1];
  return placeholder ? page.split(placeholder) : [page];
}

/**
 * Serves the web console's production build (`webDir`, from `npm run build`): `index.html` at its
 * routes (above), and `assets/` with
 * a year's immutable caching (their names carry a hash of their content). Without a build, every
 * console path answers a page saying how to make one.
 */
export async function serveWebConsole(fastify: FastifyInstance, webDir: string, logger: Logger): Promise<void> {
  const indexFile = join(webDir, 'index.html');
  const index = existsSync(indexFile) ? noncePieces(readFileSync(indexFile, 'utf8')) : undefined;
  if (!index) logger.warn(`The web console is not built (no ${indexFile}): \`npm run build\` builds it.`);
  else if (index.length === 1)
    logger.warn(`The web console's build has no CSP nonce (${indexFile} predates it), so its styles will be refused: \`npm run build\` builds it again.`);
  const notBuilt = messageDocument('The console is not built', 'Run npm run build, then start Behalf again.');

  const page = (_request: FastifyRequest, reply: FastifyReply) => {
    if (!index) return reply.code(503).headers(PAGE_HEADERS).header('content-security-policy', documentCsp()).send(notBuilt);
    const nonce = freshNonce();
    return reply.code(200).headers(PAGE_HEADERS).header('content-security-policy', consoleCsp(nonce)).send(index.join(nonce));
  };
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
