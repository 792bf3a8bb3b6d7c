import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';
import { DATABASE_URL } from './database.tokens';
import { CONFIG, Config } from '../config/config';

/**
 * The Prisma client of the process, over a `pg` pool. Only repositories use it; Prisma types do
 * not leave their domain.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_URL) url: string, @Inject(CONFIG) config: Config) {
    super({
      adapter: new PrismaPg({
        connectionString: url,
        max: config.database.poolSize,
        application_name: 'behalf-api',
      }),
    });
  }

  /** The last shutdown phase: after requests finished and queued audit records committed. */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
