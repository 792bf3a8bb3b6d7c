import { Injectable } from '@nestjs/common';
import { PrismaService } from '../platform/database/prisma.service';
import { Prisma } from '../platform/database/generated/client';

/** Global settings: one JSON document per key. */
@Injectable()
export class SettingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async get(key: string): Promise<Record<string, unknown> | null> {
    const row = await this.prisma.setting.findUnique({ where: { key } });
    return (row?.value as Record<string, unknown> | undefined) ?? null;
  }

  async put(key: string, value: Record<string, unknown>): Promise<void> {
    const json = value as Prisma.InputJsonValue;
    await this.prisma.setting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
  }
}
