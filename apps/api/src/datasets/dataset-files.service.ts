import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { DatasetFile, Page } from '@behalf/contracts';
import type { Readable } from 'node:stream';
import { AuditService } from '../audit/audit.service';
import { Transactions } from '../platform/database/transactions';
import { CLOCK, Clock } from '../kernel/clock';
import { decodeCursor, toPage } from '../kernel/pagination';
import { CONFIG, Config } from '../platform/config/config';
import { ProblemError } from '../kernel/problem';
import { LOGGER } from '../platform/logging/logger.token';
import type { Logger } from '@behalf/server';
import { BlobIdleTimeoutError, BlobStore, BlobTooLargeError, UploadInterruptedError } from './blob-store';
import { BLOB_STORE } from './blob-store.provider';
import { FileRecord, DatasetFileRepository } from './dataset-file.repository';
import { AuthenticatedContext, DatasetsService } from './datasets.service';
import { ifNoneMatchHolds, rangeOf, strongEtag } from './http-conditional';

/**
 * What a read of a file found, in the domain's terms: the caller has it already, the range asked
 * for lies outside it, or its content (whole or one byte range). `file-download.http.ts` says it in HTTP.
 */
export type FileRead =
  | { kind: 'not_modified'; file: FileRecord; etag: string }
  | { kind: 'range_not_satisfiable'; file: FileRecord; etag: string }
  | { kind: 'content'; file: FileRecord; etag: string; range: { start: number; end: number } | null; content: Readable };

export interface Upload {
  content: Readable;
  /** The Content-Type header as sent, if any. */
  contentType: string | undefined;
  /** The Content-Length header as sent, if any. */
  declaredLength: string | undefined;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*;[\x20-\x7e]*)?$/;

const fileNotFound = (path: string) => new ProblemError('not-found', `This dataset has no file ${JSON.stringify(path)}.`);

/** The stored media type of an upload: as sent, if it is one, else octet-stream. */
function mediaTypeOf(header: string | undefined): string {
  if (header === undefined || header.trim() === '') return DEFAULT_CONTENT_TYPE;
  const value = header.trim();
  if (value.length > 255 || !MEDIA_TYPE.test(value)) {
    throw new ProblemError('validation-failed', 'The request headers are invalid.', [
      { path: 'headers.content-type', message: 'expected a media type such as text/csv (at most 255 characters)' },
    ]);
  }
  return value;
}

/**
 * The files of datasets: content streamed to and from the {@link BlobStore}, metadata in
 * PostgreSQL. A write stores a new blob first and then points the path at it in one statement,
 * so a reader always gets one complete version, old or new, described by its own metadata.
 */
@Injectable()
export class DatasetFilesService implements OnApplicationBootstrap {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly files: DatasetFileRepository,
    private readonly audit: AuditService,
    private readonly transactions: Transactions,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Removes what crashed uploads and interrupted deletions left behind. Anything touched within
   * two upload idle timeouts may belong to an upload still running on another replica, and stays.
   */
  async onApplicationBootstrap(): Promise<void> {
    const report = await this.blobs.sweep((namespace) => this.files.blobIds(namespace), 2 * this.config.datasets.uploadIdleTimeoutMs, new Date());
    if (report.temporaryFiles + report.orphanBlobs + report.orphanNamespaces > 0) {
      this.logger.info({ sweep: report }, 'removed blob-store garbage left by interrupted uploads or deletions');
    }
  }

  async put(datasetId: string, path: string, upload: Upload, ctx: AuthenticatedContext): Promise<{ created: boolean; file: DatasetFile }> {
    await this.datasets.authorize(datasetId, ctx, 'write');
    const contentType = mediaTypeOf(upload.contentType);
    const maxBytes = this.config.datasets.fileMaxBytes;
    if (upload.declaredLength !== undefined && Number(upload.declaredLength) > maxBytes) throw this.tooLarge();
    let blob;
    try {
      blob = await this.blobs.put(datasetId, upload.content, { maxBytes, idleMs: this.config.datasets.uploadIdleTimeoutMs });
    } catch (error) {
      if (error instanceof BlobTooLargeError) throw this.tooLarge();
      if (error instanceof BlobIdleTimeoutError) {
        throw new ProblemError('request-timeout', `The upload sent nothing for ${error.idleMs / 1000} s and was abandoned.`);
      }
      if (error instanceof UploadInterruptedError) throw new ProblemError('bad-request', 'The upload ended before its end: nothing was stored.');
      throw error;
    }
    // The file's metadata and its audit record commit together; the replaced blob goes after.
    const stored = await this.transactions.run(async () => {
      const stored = await this.files.put(datasetId, path, blob, contentType, this.clock.now());
      if (!stored) return null;
      await this.audit.record(
        {
          action: stored.previousBlobId === null ? 'dataset.file.create' : 'dataset.file.replace',
          outcome: 'succeeded',
          target: { type: 'dataset', id: datasetId },
          details: { path, size: blob.size, sha256: blob.sha256, contentType },
        },
        ctx,
      );
      return stored;
    });
    if (!stored) {
      await this.blobs.delete(datasetId, blob.id);
      throw new ProblemError('not-found', `No dataset has id ${datasetId}.`);
    }
    if (stored.previousBlobId) await this.blobs.delete(datasetId, stored.previousBlobId);
    const created = stored.previousBlobId === null;
    return { created, file: toFile(stored.file) };
  }

  /**
   * The file's content, or the part a single `Range` asks for, unless `If-None-Match` says the
   * caller has it. Should the file be replaced between reading its metadata and opening its
   * blob, the metadata is read again: the answer always describes the bytes it carries.
   */
  async get(
    datasetId: string,
    path: string,
    conditions: { range?: string; ifRange?: string; ifNoneMatch?: string },
    ctx: AuthenticatedContext,
  ): Promise<FileRead> {
    await this.datasets.authorize(datasetId, ctx, 'read');
    for (let attempt = 0; attempt < 5; attempt++) {
      const file = await this.files.get(datasetId, path);
      if (!file) throw fileNotFound(path);
      const etag = strongEtag(file.sha256);
      if (ifNoneMatchHolds(conditions.ifNoneMatch, etag)) return { kind: 'not_modified', file, etag };
      const range = rangeOf(conditions.range, conditions.ifRange, etag, file.size);
      if (range.kind === 'unsatisfiable') return { kind: 'range_not_satisfiable', file, etag };
      const part = range.kind === 'partial' ? { start: range.start, end: range.end } : null;
      const content = await this.blobs.open(datasetId, file.blobId, part ?? undefined);
      if (!content) continue;
      return { kind: 'content', file, etag, range: part, content };
    }
    throw new ProblemError('service-unavailable', 'The file kept changing while it was being read: try again.');
  }

  async delete(datasetId: string, path: string, ctx: AuthenticatedContext): Promise<void> {
    await this.datasets.authorize(datasetId, ctx, 'write');
    const blobId = await this.files.delete(datasetId, path);
    if (!blobId) throw fileNotFound(path);
    await this.audit.record({ action: 'dataset.file.delete', outcome: 'succeeded', target: { type: 'dataset', id: datasetId }, details: { path } }, ctx);
    // The content goes once the deletion has committed: a rolled-back one keeps its bytes.
    this.transactions.afterCommit(() => this.blobs.delete(datasetId, blobId));
  }

  async list(datasetId: string, prefix: string, limit: number, cursor: string | undefined, ctx: AuthenticatedContext): Promise<Page<DatasetFile>> {
    await this.datasets.authorize(datasetId, ctx, 'read');
    const after = decodeCursor(cursor, ['text'])?.[0];
    return toPage(await this.files.list(datasetId, prefix, after, limit + 1), limit, toFile, (f) => [f.path]);
  }

  private tooLarge(): ProblemError {
    return new ProblemError('payload-too-large', `A dataset file may have at most ${this.config.datasets.fileMaxBytes} bytes.`);
  }
}

function toFile(record: FileRecord): DatasetFile {
  const { path, size, contentType, sha256, createdAt, updatedAt } = record;
  return { path, size, contentType, sha256, createdAt, updatedAt };
}
