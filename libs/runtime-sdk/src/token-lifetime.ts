import { decodeJwt } from 'jose';

/** Milliseconds since the epoch; tests pass their own. */
export type Clock = () => number;

/** What the SDK keeps of a token it holds: when, on this machine's clock, to renew it and when it is dead. */
export interface HeldToken {
  token: string;
  /** Local time at which it should be renewed (four fifths of its life). */
  renewAt: number;
  /** Local time after which it must not be used. */
  expiresAt: number;
}

/**
 * Times a token by its own lifetime (`exp - iat`), on the local clock. A token just received is
 * timed from its receipt, so a server clock ahead of or behind this machine's changes nothing. A
 * token received earlier by someone else (the launch spec, a token file) has at most its lifetime
 * left and at most what `exp` says on the local clock: whichever is sooner.
 */
export function hold(token: string, now: number, justIssued: boolean): HeldToken {
  const { iat, exp } = decodeJwt(token);
  if (typeof exp !== 'number') throw new Error('the token has no exp');
  const lifetimeMs = Math.max(0, (exp - (typeof iat === 'number' ? iat : exp)) * 1000);
  const leftMs = justIssued ? lifetimeMs : Math.max(0, Math.min(lifetimeMs, exp * 1000 - now));
  const expiresAt = now + leftMs;
  return { token, expiresAt, renewAt: expiresAt - lifetimeMs / 5 };
}

/** Lifetime given by the issuer in seconds (`expires_in`), timed from receipt. */
export function holdFor(token: string, expiresInSeconds: number, now: number): HeldToken {
  const expiresAt = now + expiresInSeconds * 1000;
  return { token, expiresAt, renewAt: expiresAt - (expiresInSeconds * 1000) / 5 };
}
