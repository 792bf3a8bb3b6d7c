/**
 * The server-rendered pages of the API (the authorization endpoint's login step) and the gateway
 * (its failure pages): one escape, one document shell. No script in either, and only their own
 * style block: their CSP ({@link documentCsp}) names it by hash.
 */
import { createHash } from 'node:crypto';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const BASE_STYLE =
  'body{font-family:system-ui,sans-serif;margin:12vh auto;padding:0 1rem;color:#1b1f24}' +
  '@media (prefers-color-scheme:dark){body{background:#111;color:#eee}}';

/**
 * The CSP source that admits exactly the style block {@link htmlDocument} writes for `style` (its
 * SHA-256, a CSP hash source) and no other: a style element or attribute injected into the page
 * does not apply.
 */
export function documentStyleSource(style = ''): string {
  return `'sha256-${createHash('sha256')
    .update(BASE_STYLE + style)
    .digest('base64')}'`;
}

/** The whole CSP of a page {@link htmlDocument} writes for `style`: nothing loads, runs, submits or frames it; only its own style applies. */
export function documentCsp(style = ''): string {
  return `default-src 'none'; style-src ${documentStyleSource(style)}; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`;
}

/** A whole page: `title` (escaped) and `body` (markup the caller built, escaping what it inserted), with the base style and `style` after it. */
export function htmlDocument(title: string, body: string, style = ''): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${BASE_STYLE}${style}</style></head><body>${body}</body></html>`
  );
}

/** A page that says one thing: a heading and a sentence, both escaped. */
export function messageDocument(title: string, message: string, style = ''): string {
  return htmlDocument(title, `<main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main>`, style);
}
