import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';
import { DATABASE_URL } from './database.tokens';
import { CONFIG, Config } from '../config/config';

/**
 * The Prisma client of the process, over a `pg` pool. Only repositories use it; Prisma types do
 * not leave their domain.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(DATABASE_URL) url: string, @Inject(CONFIG) config: Config) {
    super({
      adapter: new PrismaPg({
        connectionString: url,
        max: config.database.poolSize,
        application_name: 'behalf-api',
      }),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
