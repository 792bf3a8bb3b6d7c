import { Injectable } from '@nestjs/common';
import type { DatasetFile } from '@behalf/contracts';
import { PgPool } from '../platform/database/pg-pool';
import { PrismaService } from '../platform/database/prisma.service';
import { Transactions } from '../platform/database/transactions';
import { isForeignKeyViolation } from '../platform/database/prisma-errors';
import type { StoredBlob } from './blob-store';

/** A file's metadata with the blob that holds its content. */
export interface FileRecord extends DatasetFile {
  blobId: string;
}

interface FileRow {
  path: string;
  blob_id: string;
  size: string | bigint;
  content_type: string;
  sha256: string;
  created_at: Date;
  updated_at: Date;
}

const toRecord = (row: FileRow): FileRecord => ({
  path: row.path,
  blobId: row.blob_id,
  size: Number(row.size),
  contentType: row.content_type,
  sha256: row.sha256,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const COLUMNS = 'path, blob_id, size, content_type, sha256, created_at, updated_at';
const GET_SQL = `SELECT ${COLUMNS} FROM dataset_files WHERE dataset_id = $1 AND path = $2`;

@Injectable()
export class DatasetFileRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly transactions: Transactions,
    private readonly pool: PgPool,
  ) {}

  async get(datasetId: string, path: string): Promise<FileRecord | null> {
    const [row] = await this.pool.prepared<FileRow>('dataset_file', GET_SQL, [datasetId, path]);
    return row ? toRecord(row) : null;
  }

  /** By path, `take` files after `afterPath` whose path starts with `prefix`. */
  async list(datasetId: string, prefix: string, afterPath: string | undefined, take: number): Promise<FileRecord[]> {
    const rows = await this.prisma.$queryRaw<FileRow[]>`
      SELECT path, blob_id::text AS blob_id, size, content_type, sha256, created_at, updated_at
        FROM dataset_files
       WHERE dataset_id = ${datasetId}::uuid AND starts_with(path, ${prefix}) AND (${afterPath ?? null}::text IS NULL OR path > ${afterPath ?? null}::text)
       ORDER BY path
       LIMIT ${take}`;
    return rows.map(toRecord);
  }

  /**
   * Points `path` at `blob`, creating the file or replacing its content, and returns the blob it
   * pointed at before (now garbage). The row is locked while it changes, so of two concurrent
   * writers each learns the blob it displaced and none is leaked. Null when the dataset is gone.
   */
  async put(
    datasetId: string,
    path: string,
    blob: StoredBlob,
    contentType: string,
    at: Date,
  ): Promise<{ file: FileRecord; previousBlobId: string | null } | null> {
    try {
      return await this.transactions.run(async () => {
        for (;;) {
          const [current] = await this.prisma.$queryRaw<{ blob_id: string }[]>`
            SELECT blob_id::text AS blob_id FROM dataset_files WHERE dataset_id = ${datasetId}::uuid AND path = ${path} FOR UPDATE`;
          const [row] = current
            ? await this.prisma.$queryRaw<FileRow[]>`
                UPDATE dataset_files
                   SET blob_id = ${blob.id}::uuid, size = ${blob.size}, content_type = ${contentType}, sha256 = ${blob.sha256}, updated_at = ${at}
                 WHERE dataset_id = ${datasetId}::uuid AND path = ${path}
             RETURNING path, blob_id::text AS blob_id, size, content_type, sha256, created_at, updated_at`
            : await this.prisma.$queryRaw<FileRow[]>`
                INSERT INTO dataset_files (dataset_id, path, blob_id, size, content_type, sha256, created_at, updated_at)
                VALUES (${datasetId}::uuid, ${path}, ${blob.id}::uuid, ${blob.size}, ${contentType}, ${blob.sha256}, ${at}, ${at})
                ON CONFLICT (dataset_id, path) DO NOTHING
             RETURNING path, blob_id::text AS blob_id, size, content_type, sha256, created_at, updated_at`;
          // No row: another writer created the file meanwhile; lock it and replace its content.
          if (row) return { file: toRecord(row), previousBlobId: current?.blob_id ?? null };
        }
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) return null;
      throw error;
    }
  }

  /** Deletes the file's metadata; returns the blob that held its content, or null if no such file. */
  async delete(datasetId: string, path: string): Promise<string | null> {
    const [row] = await this.prisma.$queryRaw<{ blob_id: string }[]>`
      DELETE FROM dataset_files WHERE dataset_id = ${datasetId}::uuid AND path = ${path} RETURNING blob_id::text AS blob_id`;
    return row?.blob_id ?? null;
  }

  /** Every blob the dataset's files name; null when the dataset does not exist. */
  async blobIds(datasetId: string): Promise<Set<string> | null> {
    const dataset = await this.prisma.dataset.findUnique({ where: { id: datasetId }, select: { files: { select: { blobId: true } } } });
    return dataset ? new Set(dataset.files.map((f) => f.blobId)) : null;
  }
}
