/**
 * Where webapps live at the gateway: each at its own origin, `<slug>.<apps domain>`, from a
 * pattern such as `https://*.apps.example.com` (`BEHALF_APPS_URL`). Shared by the API (the
 * redirect URIs it accepts, the URL it shows) and the gateway (the webapp a `Host` names).
 */

/** A webapp's slug: one DNS label, lower case, 1 to 63 characters, no leading or trailing `-`. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const SLUG_RULE = 'expected 1 to 63 lower-case letters, digits or "-", starting and ending with a letter or digit';

/** The path on a webapp's origin where the gateway receives its authorization codes. */
export const GATEWAY_CALLBACK_PATH = '/.behalf/callback';
/** The OAuth client id of the first-party gateway. */
export const GATEWAY_CLIENT_ID = 'behalf-gateway';

export interface AppsUrl {
  /** `http:` or `https:`. */
  protocol: string;
  /** What follows the slug in a host name, with its leading dot: `.apps.example.com`. */
  domain: string;
  /** The port in origins, '' for the scheme's default. */
  port: string;
  /** The webapp's origin: `https://sales.apps.example.com`. */
  originOf(slug: string): string;
  /** The slug a request's `Host` header names, or undefined when it names no webapp origin. */
  slugOf(host: string | undefined): string | undefined;
  /** The slug of an origin (`scheme://host[:port]`) that is a webapp's, else undefined. */
  slugOfOrigin(origin: string): string | undefined;
}

/** @throws Error saying what is wrong with the pattern. */
export function parseAppsUrl(pattern: string): AppsUrl {
  const match = /^(https?):\/\/\*(\.[a-z0-9.-]+?)(?::(\d{1,5}))?$/i.exec(pattern);
  if (!match) throw new Error('expected http(s)://*.<domain>[:port], e.g. https://*.apps.example.com');
  const protocol = `${match[1].toLowerCase()}:`;
  const domain = match[2].toLowerCase();
  if (
    domain
      .split('.')
      .slice(1)
      .some((label) => !SLUG_PATTERN.test(label))
  )
    throw new Error('expected a domain of DNS labels after "*."');
  const defaultPort = protocol === 'https:' ? '443' : '80';
  const port = match[3] === undefined || match[3] === defaultPort ? '' : String(Number(match[3]));
  if (port !== '' && Number(port) > 65_535) throw new Error('expected a port from 1 to 65535');
  const suffix = `${domain}${port ? `:${port}` : ''}`;
  const slugOf = (host: string | undefined): string | undefined => {
    if (!host) return undefined;
    let h = host.toLowerCase();
    // The default port may be spelled out.
    if (!port && h.endsWith(`:${defaultPort}`)) h = h.slice(0, -(defaultPort.length + 1));
    if (!h.endsWith(suffix)) return undefined;
    const slug = h.slice(0, -suffix.length);
    return SLUG_PATTERN.test(slug) ? slug : undefined;
  };
  return {
    protocol,
    domain,
    port,
    originOf: (slug) => `${protocol}//${slug}${suffix}`,
    slugOf,
    slugOfOrigin(origin) {
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        return undefined;
      }
      // Exactly an origin: no path, query, credentials or trailing slash.
      if (url.origin !== origin.toLowerCase()) return undefined;
      const slug = slugOf(url.host);
      return slug !== undefined && url.origin === `${protocol}//${slug}${suffix}` ? slug : undefined;
    },
  };
}

/** A slug from a webapp's name: lower case, runs of anything else as one `-`, at most 40 characters. */
export function slugFromName(name: string): string {
  const base = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return base === '' ? 'webapp' : base;
}
