import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { parse as parseCookies } from 'cookie';
import WebSocket, { WebSocketServer } from 'ws';
import type { GatewayRoute } from '@behalf/contracts';
import { randomUUID } from 'node:crypto';
import { AppsUrl, Logger } from '@behalf/server';
import { GatewayConfig } from './config';
import { forwardHeaders, gatewayCookies } from './headers';
import { GatewayMetrics } from './metrics';
import { rawFailure } from './pages';
import { RouteTable } from './routes';
import { ViewerCache } from './viewers';

/** Close codes the gateway sends when a viewer loses access (4000–4999 are the application's). */
export const CLOSE_SIGNED_OUT = 4401;
export const CLOSE_FORBIDDEN = 4403;
/** RFC 6455 §7.4.1 registry: the webapp's run stopped or moved (the client may reconnect). */
const CLOSE_RESTART = 1012;

const CHOSEN = Symbol('chosen subprotocol');
type Handshake = IncomingMessage & { [CHOSEN]?: string | false };

interface Open {
  client: WebSocket;
  upstream: WebSocket;
  session: string | undefined;
  slug: string;
  webappId: string;
  runId: string;
  anonymous: boolean;
}

export interface WebsocketRelay {
  /** Judge every open websocket again now (a change was heard). */
  recheck(): void;
  close(): void;
}

/** A close code that may be sent on (1005, 1006 and 1015 are only ever reported). */
function sendable(code: number): number {
  return code === 1000 || (code >= 1001 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999) ? code : 1000;
}

/**
 * Websockets through the gateway: the handshake is judged like any request (access, the run),
 * forwarded with the same identity headers and every subprotocol the client offered; the upstream's
 * choice is answered to the client, and messages are relayed both ways with no idle cut. Every
 * second each open websocket is judged again (the viewer cache asks the API when its answer is
 * older than the recheck interval): a viewer signed out or disabled is closed with 4401, one who
 * may no longer view with 4403, and one whose run stopped or moved with 1012.
 */
export function attachWebsockets(
  server: Server,
  deps: { apps: AppsUrl; routes: RouteTable; viewers: ViewerCache; metrics: GatewayMetrics; config: GatewayConfig; logger: Logger; proto: 'http' | 'https' },
): WebsocketRelay {
  const { apps, routes, viewers, metrics, config, logger } = deps;
  const sessionCookie = gatewayCookies(deps.proto === 'https').session;
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 64 * 1024 * 1024,
    handleProtocols: (_offered, request) => (request as Handshake)[CHOSEN] ?? false,
  });
  const open = new Set<Open>();

  const refuse = (socket: Duplex, status: number, reason: string, detail: string) => {
    socket.end(rawFailure(status, reason, detail));
  };

  async function handle(request: Handshake, socket: Duplex, head: Buffer): Promise<void> {
    const slug = apps.slugOf(request.headers.host);
    const route: GatewayRoute | undefined = slug ? routes.get(slug) : undefined;
    if (!slug || !route) return refuse(socket, 404, 'Not Found', 'No such webapp.');
    const cookies = request.headers.cookie ? parseCookies(request.headers.cookie) : {};
    const decision = await viewers.decideForRequest(cookies[sessionCookie], route);
    const session = decision.session;
    if (decision.decision === 'login') return refuse(socket, 401, 'Unauthorized', 'Sign in to Behalf to use this webapp.');
    if (decision.decision === 'forbid') return refuse(socket, 403, 'Forbidden', 'You may not view this webapp.');
    const run = route.run;
    if (!run) return refuse(socket, 503, 'Service Unavailable', 'The webapp is not running.');
    const target = new URL(`${run.upstreamUrl.replace(/\/+$/, '')}${request.url ?? '/'}`);
    target.protocol = target.protocol === 'https:' ? 'wss:' : 'ws:';
    const offered = (request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const headers = forwardHeaders(request.rawHeaders, {
      issuer: config.publicUrl,
      viewer: decision.viewer ?? null,
      propagation: route.identityPropagation,
      identityToken: decision.identityToken,
      clientIp: request.socket.remoteAddress ?? '',
      proto: deps.proto,
      host: request.headers.host ?? '',
      requestId: randomUUID(),
      websocket: true,
    });
    const upstream = new WebSocket(target, offered, {
      headers: { ...headers, host: request.headers.host ?? target.host },
      perMessageDeflate: false,
      handshakeTimeout: config.upstreamTimeoutMs,
      followRedirects: false,
      maxPayload: 64 * 1024 * 1024,
    });
    let upgraded = false;
    const fail = (status: number, reason: string, detail: string) => {
      if (upgraded) return;
      upgraded = true;
      refuse(socket, status, reason, detail);
    };
    socket.once('close', () => {
      if (!upgraded) upstream.terminate();
    });
    upstream.once('unexpected-response', (_req, response) => {
      response.resume();
      fail(502, 'Bad Gateway', `The webapp refused the websocket (${response.statusCode}).`);
      upstream.terminate();
    });
    upstream.once('error', (error) => {
      logger.warn({ err: error, webapp: slug }, 'gateway: websocket upstream failed');
      fail(502, 'Bad Gateway', 'The webapp is not answering.');
    });
    upstream.once('open', () => {
      if (upgraded || socket.destroyed) {
        upstream.terminate();
        return;
      }
      upgraded = true;
      request[CHOSEN] = upstream.protocol || false;
      wss.handleUpgrade(request, socket, head, (client) => {
        const entry: Open = { client, upstream, session, slug, webappId: route.webappId, runId: run.id, anonymous: decision.viewer === null };
        open.add(entry);
        metrics.websockets.inc({ webapp: slug });
        client.on('message', (data, isBinary) => {
          viewers.seen(session, route.webappId);
          if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
        });
        upstream.on('message', (data, isBinary) => {
          if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
        });
        const ended = () => {
          if (open.delete(entry)) metrics.websockets.dec({ webapp: slug });
        };
        client.on('close', (code, reason) => {
          ended();
          if (upstream.readyState === WebSocket.OPEN) upstream.close(sendable(code), reason);
          else upstream.terminate();
        });
        upstream.on('close', (code, reason) => {
          ended();
          if (client.readyState === WebSocket.OPEN) client.close(sendable(code), reason);
        });
        client.on('error', () => upstream.terminate());
        upstream.on('error', () => client.terminate());
      });
    });
  }

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    handle(request as Handshake, socket, head).catch((error: unknown) => {
      logger.warn({ err: error }, 'gateway: websocket handshake failed');
      if (!socket.destroyed) refuse(socket, 503, 'Service Unavailable', 'The gateway cannot check access right now.');
    });
  };
  server.on('upgrade', onUpgrade);

  const judge = () => {
    for (const entry of open) {
      const route = routes.get(entry.slug);
      if (!route || route.webappId !== entry.webappId || route.run?.id !== entry.runId) {
        entry.client.close(CLOSE_RESTART, 'The webapp restarted: reconnect.');
        continue;
      }
      if (entry.anonymous && entry.session === undefined && route.access === 'public') continue;
      const held = viewers.peek(entry.session, entry.webappId);
      if (!held || held.stale) void viewers.decide(entry.session, route).catch(() => undefined);
      if (!held) continue;
      if (held.decision === 'login' || (entry.anonymous && route.access !== 'public')) entry.client.close(CLOSE_SIGNED_OUT, 'Signed out of Behalf.');
      else if (held.decision === 'forbid') entry.client.close(CLOSE_FORBIDDEN, 'You may no longer view this webapp.');
    }
  };
  const timer = setInterval(judge, 1000);
  timer.unref();

  return {
    recheck: judge,
    close() {
      clearInterval(timer);
      server.off('upgrade', onUpgrade);
      for (const entry of open) {
        entry.client.close(1001, 'The gateway is stopping.');
        entry.upstream.close(1001);
      }
    },
  };
}
