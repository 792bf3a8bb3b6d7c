import { Global, Module } from '@nestjs/common';
import { ChangeFeed } from './change-feed.service';
import { LocalWritesInterceptor } from './local-writes.interceptor';

/**
 * Caches that follow the change feed: the feed itself (LISTEN/NOTIFY generations, every replica)
 * and the interceptor that moves this replica's generation after a write it served (attached to
 * every write route by `http/write-route-interceptors.ts`).
 */
@Global()
@Module({ providers: [ChangeFeed, LocalWritesInterceptor], exports: [ChangeFeed, LocalWritesInterceptor] })
export class CacheModule {}
