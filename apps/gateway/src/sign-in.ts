import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '@behalf/server';

/** What the gateway remembers between sending a viewer to sign in and their return. */
export interface SignIn {
  state: string;
  verifier: string;
  returnTo: string;
}

/** A path on the webapp's own origin to return to: never another origin (no open redirect). */
export function safeReturnPath(path: string | undefined): string {
  if (!path || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\') || /[\x00-\x20\\]/.test(path) || path.length > 2048) return '/';
  if (path.startsWith('/.behalf/')) return '/';
  return path;
}

/** PKCE (RFC 7636): a fresh verifier and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const randomState = () => randomBytes(32).toString('base64url');

/**
 * The sign-in cookie's seal: an HMAC (key derived from the gateway's API key, so every replica
 * shares it) over its content, so a webapp's script, which can write cookies on its own origin,
 * cannot plant a sign-in of its choosing.
 */
export class SignInSeal {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'behalf-gateway', 'sign-in cookie', 32));
  }

  seal(signIn: SignIn): string {
    const body = Buffer.from(JSON.stringify(signIn)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  open(value: string | undefined): SignIn | undefined {
    if (!value) return undefined;
    const [body, mac] = value.split('.');
    if (!body || !mac) return undefined;
    if (!constantTimeEqual(mac, this.mac(body))) return undefined;
    try {
      const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SignIn;
      return typeof parsed.state === 'string' && typeof parsed.verifier === 'string' && typeof parsed.returnTo === 'string' ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
