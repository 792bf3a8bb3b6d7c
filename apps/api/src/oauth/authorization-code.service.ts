import type { RefusalCode } from '@behalf/contracts';
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppsUrl, constantTimeEqual, GATEWAY_CALLBACK_PATH, GATEWAY_CLIENT_ID, parseAppsUrl } from '@behalf/server';
import { AuditService } from '../audit/audit.service';
import { ApiKeyService } from '../auth/api-key.service';
import { SessionService } from '../auth/session.service';
import { randomSecret, sha256Hex } from '../common/hashing';
import { GatewaySessionRepository } from '../gateway/gateway-session.repository';
import { CLOCK, Clock } from '../kernel/clock';
import { hasPermission, Principal } from '../kernel/principal';
import { RequestContext } from '../kernel/request-context';
import { CONFIG, Config } from '../platform/config/config';
import { FormParams } from '../platform/http/form-body';
import { WebappRepository } from '../webapps/webapp.repository';
import { OAuthError } from './oauth-error';

/** An authorization code lives this long (RFC 6749 §4.1.2 recommends at most 10 minutes). */
export const CODE_LIFETIME_MS = 60_000;

const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;

/** What `GET /oauth/authorize` answers: a page (the request cannot be trusted to redirect), the login step, or the redirect. */
export type AuthorizeOutcome = { kind: 'page'; status: number; message: string } | { kind: 'login' } | { kind: 'redirect'; location: string };

/** The token response of the authorization code grant: the gateway's session for this viewer and webapp. */
export interface GatewayTokenResponse {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds until the Behalf session behind it ends at the latest. */
  expires_in: number;
}

/** S256 (RFC 7636 §4.2): BASE64URL(SHA256(code_verifier)). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * The authorization code grant with PKCE, for one client: the first-party gateway (RFC 6749 §4.1,
 * RFC 7636). The viewer's Behalf session approves (no consent screen); redirect URIs are webapp
 * origins' callback, exactly; codes live a minute, are single-use (a replay revokes what the code
 * gave) and die with the session. The code buys a gateway session, one per webapp origin.
 */
@Injectable()
export class AuthorizationCodes implements OnModuleInit, OnModuleDestroy {
  private readonly apps: AppsUrl;
  private sweeper: NodeJS.Timeout | undefined;

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), 10 * 60_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  constructor(
    private readonly sessions: SessionService,
    private readonly apiKeys: ApiKeyService,
    private readonly store: GatewaySessionRepository,
    private readonly webapps: WebappRepository,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.apps = parseAppsUrl(config.gateway.appsUrl);
  }

  /** `GET /oauth/authorize`. `sessionToken` is the viewer's session cookie, if any. */
  async authorize(query: Record<string, unknown>, sessionToken: string | undefined, ctx: RequestContext): Promise<AuthorizeOutcome> {
    const one = (name: string): string | undefined => {
      const value = query[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const repeated = Object.entries(query).find(([, v]) => Array.isArray(v))?.[0];
    // Until client and redirect URI are known good, errors are shown, never redirected (§4.1.2.1).
    if (one('client_id') !== GATEWAY_CLIENT_ID) return { kind: 'page', status: 400, message: `Unknown client: only ${GATEWAY_CLIENT_ID} may ask for codes.` };
    const redirectUri = one('redirect_uri');
    const webappId = redirectUri === undefined ? undefined : await this.webappOfRedirect(redirectUri);
    if (!redirectUri || !webappId || repeated === 'redirect_uri' || repeated === 'client_id') {
      await this.audit.refusal(
        { action: 'oauth.authorize', outcome: 'denied', reason: 'redirect_uri_invalid' satisfies RefusalCode, details: { redirectUri: redirectUri ?? null } },
        ctx,
      );
      return { kind: 'page', status: 400, message: 'The redirect URI is not a webapp’s gateway callback.' };
    }
    const state = one('state');
    const back = (params: Record<string, string>) => {
      const url = new URL(redirectUri);
      for (const [k, v] of Object.entries({ ...params, ...(state !== undefined ? { state } : {}), iss: this.config.http.publicUrl }))
        url.searchParams.set(k, v);
      return { kind: 'redirect' as const, location: url.toString() };
    };
    const invalid = (description: string) => back({ error: 'invalid_request', error_description: description });
    if (repeated) return invalid(`${repeated} must be sent once.`);
    if (one('response_type') !== 'code') return back({ error: 'unsupported_response_type', error_description: 'response_type must be code.' });
    if (!state || state.length > 512) return invalid('state is required (at most 512 characters).');
    const challenge = one('code_challenge');
    if (!challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
      return invalid('code_challenge is required: BASE64URL(SHA256(code_verifier)), 43 characters (PKCE, RFC 7636).');
    if (one('code_challenge_method') !== 'S256') return invalid('code_challenge_method must be S256.');

    if (!sessionToken) return { kind: 'login' };
    const principal = await this.sessions.authenticate(sessionToken);
    if ('refused' in principal) return { kind: 'login' };
    if (principal.via.kind !== 'session') return { kind: 'login' };

    const code = randomSecret();
    const now = this.clock.now();
    await this.store.createCode({
      codeHash: sha256Hex(code),
      sessionId: principal.via.sessionId,
      userId: principal.userId,
      webappId,
      redirectUri,
      codeChallenge: challenge,
      createdAt: now,
      expiresAt: new Date(now.getTime() + CODE_LIFETIME_MS),
    });
    await this.audit.record(
      {
        action: 'oauth.authorize',
        outcome: 'succeeded',
        actor: { userId: principal.userId, login: principal.login },
        target: { type: 'webapp', id: webappId },
        webappId,
        details: { client: GATEWAY_CLIENT_ID },
      },
      ctx,
    );
    return back({ code });
  }

  /** `POST /oauth/token` with grant_type authorization_code: the gateway redeems a code for a gateway session. */
  async redeem(form: FormParams, authorization: string | undefined, ctx: RequestContext): Promise<GatewayTokenResponse> {
    let client: Principal | undefined;
    let webappId: string | undefined;
    try {
      client = await this.client(authorization);
      const one = (name: 'code' | 'redirect_uri' | 'code_verifier') => {
        const values = form.values.get(name);
        if (!values || values[0] === '') throw new OAuthError(`missing_${name}`, `${name} is required.`);
        if (values.length > 1) throw new OAuthError(`repeated_${name}`, `${name} must be sent once.`);
        return values[0];
      };
      const code = one('code');
      const redirectUri = one('redirect_uri');
      const verifier = one('code_verifier');
      if (!PKCE_VALUE.test(verifier)) throw new OAuthError('code_verifier_malformed');
      const codeHash = sha256Hex(code);
      const now = this.clock.now();
      const row = await this.store.redeemCode(codeHash, now);
      if (!row) throw new OAuthError('code_invalid');
      webappId = row.webappId;
      if (row.redeemedAt) {
        const revoked = await this.store.revokeFromCode(codeHash);
        await this.audit.record(
          {
            action: 'oauth.code.redeem',
            outcome: 'denied',
            reason: 'code_reused',
            webappId,
            target: { type: 'user', id: row.userId },
            details: { revokedSessions: revoked },
          },
          ctx,
        );
        throw new OAuthError('code_reused');
      }
      if (row.expiresAt <= now || row.redirectUri !== redirectUri) throw new OAuthError('code_invalid');
      if (!constantTimeEqual(s256(verifier), row.codeChallenge)) throw new OAuthError('code_verifier_mismatch');
      const timing = await this.sessions.timing(row.sessionId);
      if (!timing || (await this.sessions.holds(timing))) throw new OAuthError('code_invalid');
      const token = `bgs_${randomSecret()}`;
      await this.store.createSession({
        tokenHash: sha256Hex(token),
        sessionId: row.sessionId,
        userId: row.userId,
        webappId: row.webappId,
        codeHash,
        createdAt: now,
      });
      await this.audit.record(
        {
          action: 'oauth.code.redeem',
          outcome: 'succeeded',
          actor: { userId: client.userId, login: client.login },
          onBehalfOf: { userId: row.userId, login: null },
          target: { type: 'user', id: row.userId },
          webappId: row.webappId,
        },
        ctx,
      );
      return { access_token: token, token_type: 'Bearer', expires_in: Math.max(1, Math.floor((timing.expiresAt.getTime() - now.getTime()) / 1000)) };
    } catch (error) {
      // A replayed code was recorded where it was found, with what it revoked.
      if (error instanceof OAuthError && error.code !== 'code_reused') {
        await this.audit.refusal(
          {
            action: 'oauth.code.redeem',
            outcome: error.error === 'invalid_client' ? 'denied' : 'failed',
            reason: error.code,
            ...(client ? { actor: { userId: client.userId, login: client.login } } : {}),
            ...(webappId ? { webappId } : {}),
          },
          ctx,
        );
      }
      throw error;
    }
  }

  /** HTTP Basic (RFC 6749 §2.3.1): client_id behalf-gateway, the gateway principal's API key as the secret. */
  private async client(authorization: string | undefined): Promise<Principal> {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
    if (!match) throw new OAuthError('client_unauthenticated');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('client_unauthenticated');
    let id: string;
    let secret: string;
    try {
      id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    } catch {
      throw new OAuthError('client_unauthenticated');
    }
    if (id !== GATEWAY_CLIENT_ID) throw new OAuthError('client_unauthenticated');
    const principal = await this.apiKeys.authenticate(secret);
    if ('refused' in principal || !hasPermission(principal, 'gateway') || principal.permissions.has('admin')) throw new OAuthError('client_unauthenticated');
    return principal;
  }

  /** The webapp whose gateway callback `uri` is, exactly; else undefined. */
  private async webappOfRedirect(uri: string): Promise<string | undefined> {
    if (!uri.endsWith(GATEWAY_CALLBACK_PATH)) return undefined;
    const slug = this.apps.slugOfOrigin(uri.slice(0, -GATEWAY_CALLBACK_PATH.length));
    if (!slug) return undefined;
    return (await this.webapps.idOfSlug(slug)) ?? undefined;
  }

  /** Housekeeping: codes past their minute are deleted. */
  async sweep(): Promise<void> {
    await this.store.deleteExpiredCodes(this.clock.now());
  }
}
