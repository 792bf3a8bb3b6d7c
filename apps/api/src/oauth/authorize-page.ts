/**
 * The server-rendered page an authorization request that cannot be trusted to redirect gets (its
 * login step is the web console's login page). No script; the CSP admits only the page's own style
 * block, by its hash.
 */
import { documentCsp, messageDocument } from '@behalf/server';

const STYLE = 'body{max-width:32rem;font-family:system-ui,sans-serif;margin:2rem auto;padding:0 1rem}';

/** The page's headers: nothing may load, frame it or be posted from it. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': documentCsp(STYLE),
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export function messagePage(title: string, message: string): string {
  return messageDocument(title, message, STYLE);
}
