import { readFile } from 'node:fs/promises';
import type { RefreshedBackendToken } from '@behalf/contracts';
import { BehalfError, BehalfUnavailableError, errorOf, RunStoppedError } from './errors';
import { Clock, hold, HeldToken } from './token-lifetime';

export interface BackendTokenOptions {
  url: string;
  webappId: string;
  runId: string;
  /** The launch spec's token, if given inline. */
  token?: string;
  /** A file holding the current token (a runner keeps it fresh): read first when renewing. */
  tokenFile?: string;
  fetch: typeof fetch;
  clock: Clock;
}

/** After a failed refresh that is not the run's end, wait this long before trying again. */
const RETRY_MS = 5_000;

/**
 * The run's backend token, renewed before it expires: from the token file when someone keeps it
 * fresh, else by `POST …/runs/:runId/refresh` with the token itself. One renewal at a time
 * however many callers wait (single flight); once the run is known to be over every call throws
 * the same {@link RunStoppedError} without asking again.
 */
export class BackendToken {
  private held: HeldToken | undefined;
  private renewing: Promise<string> | undefined;
  private ended: RunStoppedError | undefined;
  private retryAfter = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BackendTokenOptions) {
    if (options.token) this.keep(hold(options.token, options.clock(), false));
  }

  /**
   * Holds `held` and schedules its renewal: a backend that makes no call for an hour must still
   * hold a live token afterwards (an expired one cannot be refreshed). The timer never keeps the
   * process alive.
   */
  private keep(held: HeldToken): void {
    this.held = held;
    clearTimeout(this.timer);
    if (this.ended) return;
    this.renewIn(Math.max(0, held.renewAt - this.options.clock()));
  }

  private renewIn(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // A failure is kept for the next caller (RunStoppedError) or retried by it.
      this.get().catch(() => undefined);
    }, ms);
    this.timer.unref();
  }

  /** Stops the scheduled renewal (the runtime is closing). */
  close(): void {
    clearTimeout(this.timer);
  }

  /** A token valid now; renewed first when four fifths of its life are gone. */
  async get(): Promise<string> {
    if (this.ended) throw this.ended;
    const now = this.options.clock();
    const held = this.held;
    if (held && (now < held.renewAt || (now < held.expiresAt && now < this.retryAfter))) return held.token;
    this.renewing ??= this.renew().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  /** The run is known to be over (the runner or a refused call said so). */
  end(detail: string): RunStoppedError {
    this.ended ??= new RunStoppedError(detail);
    clearTimeout(this.timer);
    return this.ended;
  }

  private async renew(): Promise<string> {
    const { clock, tokenFile } = this.options;
    if (tokenFile) {
      const fromFile = await this.readFile(tokenFile);
      if (fromFile && fromFile !== this.held?.token) {
        const held = hold(fromFile, clock(), false);
        if (clock() < held.renewAt || !this.held || held.expiresAt > this.held.expiresAt) this.keep(held);
        if (clock() < held.renewAt) return held.token;
      }
    }
    const current = this.held;
    if (!current) throw new RunStoppedError('no backend token was given (BEHALF_BACKEND_TOKEN or BEHALF_BACKEND_TOKEN_FILE)');
    try {
      const fresh = await this.refresh(current.token);
      this.keep(hold(fresh, clock(), true));
      return fresh;
    } catch (error) {
      if (error instanceof RunStoppedError) {
        this.ended = error;
        throw error;
      }
      // Behalf unreachable for now: keep the token while it lives, and try again a little later.
      if (clock() < current.expiresAt) {
        this.retryAfter = clock() + RETRY_MS;
        this.renewIn(RETRY_MS);
        return current.token;
      }
      throw error;
    }
  }

  private async refresh(token: string): Promise<string> {
    const { url, webappId, runId, fetch } = this.options;
    let res: Response;
    try {
      res = await fetch(`${url}/api/v1/webapps/${webappId}/runs/${runId}/refresh`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });
    } catch (error) {
      throw new BehalfUnavailableError((error as Error).message);
    }
    if (res.ok) return ((await res.json()) as RefreshedBackendToken).backendToken;
    const error: BehalfError = await errorOf(res);
    // The token refused (the run stopped), the run gone or over: the run's end, not a hiccup.
    if ([401, 403, 404, 409].includes(res.status)) throw new RunStoppedError(error.message);
    throw error;
  }

  private async readFile(path: string): Promise<string | undefined> {
    try {
      return (await readFile(path, 'utf8')).trim() || undefined;
    } catch {
      return undefined;
    }
  }
}
