import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { Client } from 'pg';
import { LOGGER } from '../logging/logger.token';
import type { Logger } from '@behalf/server';
import { DATABASE_URL } from '../database/database.tokens';
import { Transactions } from '../database/transactions';

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
  private resets = 0;
  private readonly tables = new Map<string, number>();
  private client: Client | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly waiting = new Set<() => void>();

  constructor(
    @Inject(DATABASE_URL) private readonly url: string,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly transactions?: Transactions,
  ) {}

  get generation(): number {
    return this.current;
  }

  /**
   * Something changed: every cached decision is stale from now on. Inside a transaction, from
   * its commit on: moving earlier would let a concurrent read cache the old state as new.
   */
  bump(): void {
    if (this.transactions?.active) {
      this.transactions.afterCommit(() => this.moved());
      return;
    }
    this.moved();
  }

  /** Calls `listener` once, at the next move of the generation. */
  once(listener: () => void): () => void {
    this.waiting.add(listener);
    return () => this.waiting.delete(listener);
  }

  private moved(): void {
    this.current += 1;
    if (this.waiting.size === 0) return;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const listener of waiting) listener();
  }

  /**
   * A generation of one table alone, for caches that depend on nothing else (signing keys): it
   * moves when that table's trigger notifies, when this process says it changed it, and when
   * notifications may have been missed. Unlike {@link generation}, other writes leave it alone.
   */
  tableGeneration(table: string): string {
    return `${this.resets}.${this.tables.get(table) ?? 0}`;
  }

  /** This process changed `table`: its caches move on without waiting for the notification. */
  changed(table: string): void {
    if (this.transactions?.active) {
      this.transactions.afterCommit(() => this.changed(table));
      return;
    }
    this.tables.set(table, (this.tables.get(table) ?? 0) + 1);
    this.bump();
  }

  private everythingChanged(): void {
    this.resets += 1;
    this.bump();
  }

  async onModuleInit(): Promise<void> {
    await this.listen().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'cannot listen for policy changes yet; retrying');
      this.scheduleReconnect();
    });
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'behalf-change-feed' });
    // The triggers send the table's name: table generations move for it, and the whole feed.
    client.on('notification', (message) => (message.payload ? this.changed(message.payload) : this.bump()));
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'policy change feed connection failed');
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${POLICY_CHANNEL}`);
    this.client = client;
    // Changes made while we were not listening are unknown: start a new generation.
    this.everythingChanged();
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.everythingChanged();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.listen().catch((error: unknown) => {
        this.logger.warn({ err: error }, 'change feed: reconnecting failed, trying again');
        this.scheduleReconnect();
      });
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
