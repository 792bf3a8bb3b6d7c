import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_KINDS, ProblemCode } from '@behalf/contracts';
import { documentCsp, messageDocument, problemBody } from '@behalf/server';

const STYLE = 'body{max-width:32rem}';

/**
 * On every answer the gateway makes itself (never on a webapp's, which are the webapp's to head):
 * not stored, read only as what it says it is, and loaded only by its own origin. Webapps are
 * same-site with each other, so a viewer's gateway cookie goes with another webapp's no-cors
 * request; the browser then refuses to hand that page the answer.
 */
export const OWN_ANSWER = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/** OWN_ANSWER as raw header lines, for a socket answered before it is upgraded. */
const OWN_ANSWER_LINES = Object.entries(OWN_ANSWER)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('');

const PAGE_HEADERS = {
  ...OWN_ANSWER,
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': documentCsp(STYLE),
};

/** Browsers get a small page, API clients (`Accept: application/json` before HTML) an RFC 9457 problem. */
export function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const json = accept.search(/application\/(problem\+)?json/);
  const html = accept.indexOf('text/html');
  return json >= 0 && (html < 0 || json < html);
}

export function htmlPage(title: string, message: string): string {
  return messageDocument(title, message, STYLE);
}

/** Answers a failure as a page or a problem, by the request's Accept header. */
export function sendFailure(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ProblemCode,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): FastifyReply {
  const status = PROBLEM_KINDS[code].status;
  if (wantsJson(request.headers.accept)) {
    return reply
      .code(status)
      .headers({ ...OWN_ANSWER, ...headers, 'content-type': 'application/problem+json' })
      .send(JSON.stringify(problemBody(code, detail, String(request.id))));
  }
  return reply
    .code(status)
    .headers({ ...PAGE_HEADERS, ...headers })
    .send(htmlPage(title, detail));
}

/** The same failure on a raw socket (a websocket handshake refused before it is upgraded). */
export function rawFailure(status: number, reason: string, detail: string): string {
  const body = JSON.stringify({ title: reason, status, detail });
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\n${OWN_ANSWER_LINES}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}
