import type { GatewayRoute } from '@behalf/contracts';
import type { Logger } from '@behalf/server';
import { ApiClient } from './api-client';

/**
 * The routing table, by slug, kept current by long-polling the API: a change anywhere (a run
 * started, stopped or moved, a setting, a membership) answers the poll at once, so a new route
 * is used, and a stopped one refused, within a second. Listeners hear every new table.
 */
export class RouteTable {
  private bySlug = new Map<string, GatewayRoute>();
  private version: string | undefined;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly listeners = new Set<() => void>();
  private firstLoad: Promise<void> | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly logger: Logger,
  ) {}

  get(slug: string): GatewayRoute | undefined {
    return this.bySlug.get(slug);
  }

  get loaded(): boolean {
    return this.version !== undefined;
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** Starts polling; resolves once the first table is in. */
  start(): Promise<void> {
    this.firstLoad ??= new Promise((resolve) => {
      void this.loop(resolve);
    });
    return this.firstLoad;
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  private async loop(loaded: () => void): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const next = await this.api.routes(this.version, this.abort.signal);
        failures = 0;
        if (next.version !== this.version) {
          this.bySlug = new Map(next.routes.map((r) => [r.slug, r]));
          this.version = next.version;
          loaded();
          for (const listener of this.listeners) listener();
        }
      } catch (error) {
        if (this.stopped) return;
        failures += 1;
        // While the API is away, the table held stays in use; the next answer replaces it.
        if (failures === 1 || failures % 30 === 0) this.logger.warn({ err: error }, 'gateway: cannot read routes from the API; retrying');
        await new Promise((r) => setTimeout(r, Math.min(1000, 100 * failures)));
      }
    }
  }
}
