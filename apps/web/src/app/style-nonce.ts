import { setNonce } from 'get-nonce';

/**
 * The nonce the API gave this page for its style elements, handed to everything that writes them:
 * the scroll lock the dialogs use (get-nonce) here, and the component library through the
 * function returned, for its provider's `getStyleNonce`. Read from the meta tag the build writes
 * (`<meta property="csp-nonce" nonce>`), whose attribute the browser empties once the page is under
 * its CSP, so no selector can read it. Undefined on a page served without one.
 */
export function shareStyleNonce(): (() => string) | undefined {
  const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce;
  if (!nonce) return undefined;
  setNonce(nonce);
  return () => nonce;
}
