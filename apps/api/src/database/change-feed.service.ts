import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { LOGGER } from '../logging/logger.token';
import type { Logger } from '../logging/logger';
import { DATABASE_URL } from './database.tokens';

/** The channel the migration's triggers notify on every committed policy-relevant change. */
export const POLICY_CHANNEL = 'behalf_policy_changed';

const RECONNECT_MS = 1_000;

/**
 * A generation counter that moves whenever what cached decisions depend on may have changed:
 * on every PostgreSQL notification (changes committed by any replica, or by hand), on every
 * successful write this process serves, and whenever the listening connection is lost (missed
 * notifications are then assumed). Caches remember the generation they read at and discard
 * entries from older ones, so no invalidation can be missed by a read racing a write.
 */
@Injectable()
export class ChangeFeed implements OnModuleInit, OnModuleDestroy {
  private current = 0;
  private client: Client | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(DATABASE_URL) private readonly url: string,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get generation(): number {
    return this.current;
  }

  /** Something changed: every cached decision is stale from now on. */
  bump(): void {
    this.current += 1;
  }

  async onModuleInit(): Promise<void> {
    await this.listen().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'cannot listen for policy changes yet; retrying');
      this.scheduleReconnect();
    });
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'behalf-change-feed' });
    client.on('notification', () => this.bump());
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'policy change feed connection failed');
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${POLICY_CHANNEL}`);
    this.client = client;
    // Changes made while we were not listening are unknown: start a new generation.
    this.bump();
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.bump();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.listen().catch(() => this.scheduleReconnect());
    }, RECONNECT_MS);
    this.reconnectTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
