import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isUuid } from '../kernel/uuid';

/** A stored blob: content is immutable once stored, so a blob id names one version. */
export interface StoredBlob {
  id: string;
  size: number;
  /** Hex SHA-256 of the content. */
  sha256: string;
}

/** The source sent more than `maxBytes`: nothing was stored. */
export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`more than ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

/** The source sent nothing for `idleMs`: nothing was stored. */
export class BlobIdleTimeoutError extends Error {
  constructor(readonly idleMs: number) {
    super(`no data for ${idleMs} ms`);
    this.name = 'BlobIdleTimeoutError';
  }
}

/** The source ended before its end (a client that went away): nothing was stored. */
export class UploadInterruptedError extends Error {
  constructor() {
    super('the upload ended early');
    this.name = 'UploadInterruptedError';
  }
}

export interface SweepReport {
  temporaryFiles: number;
  orphanBlobs: number;
  orphanNamespaces: number;
}

/**
 * Where the content of dataset files lives. Blobs are grouped in namespaces (one per dataset)
 * and named by ids the store chooses; they are written once and never changed, so metadata that
 * names a blob id always describes exactly the bytes stored under it.
 */
export interface BlobStore {
  /**
   * Streams `source` into a new blob. It resolves once the blob is complete and durable, and only
   * then is the blob visible under its id; if `source` fails, stalls for `idleMs` or exceeds
   * `maxBytes`, it rejects and nothing is left but garbage {@link sweep} removes.
   */
  put(namespace: string, source: Readable, limits: { maxBytes: number; idleMs: number }): Promise<StoredBlob>;
  /** The bytes `start`–`end` (inclusive) of a blob, or all of it; null when it does not exist. */
  open(namespace: string, id: string, range?: { start: number; end: number }): Promise<Readable | null>;
  delete(namespace: string, id: string): Promise<void>;
  deleteNamespace(namespace: string): Promise<void>;
  /**
   * Removes what no metadata names: temporary files of uploads that died, blobs `live` does not
   * list, and namespaces `live` no longer knows (null). Anything touched within `graceMs` is
   * kept, since it may belong to an upload still in flight on another replica.
   */
  sweep(live: (namespace: string) => Promise<ReadonlySet<string> | null>, graceMs: number, now: Date): Promise<SweepReport>;
}

const TEMPORARY = '.tmp';

function checkName(kind: string, name: string): string {
  // Namespaces and ids are UUIDs: nothing a caller writes ever becomes part of a file name.
  if (!isUuid(name)) throw new Error(`blob ${kind} ${JSON.stringify(name)} is not a UUID`);
  return name.toLowerCase();
}

/** Counts, hashes and limits what passes through, and fails when nothing passes for too long. */
class Meter extends Transform {
  size = 0;
  private readonly hash = createHash('sha256');
  private readonly idle: NodeJS.Timeout;

  constructor(private readonly limits: { maxBytes: number; idleMs: number }) {
    super();
    this.idle = setTimeout(() => this.destroy(new BlobIdleTimeoutError(limits.idleMs)), limits.idleMs);
    this.idle.unref();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.idle.refresh();
    this.size += chunk.length;
    if (this.size > this.limits.maxBytes) return done(new BlobTooLargeError(this.limits.maxBytes));
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: () => void): void {
    clearTimeout(this.idle);
    done();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    clearTimeout(this.idle);
    done(error);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * {@link BlobStore} on the local file system: `<root>/<namespace>/<id>`, written first to
 * `<root>/.tmp/<id>`, flushed to disk, then renamed into place. A rename within one file
 * system is atomic, so a blob is either absent or complete.
 */
export class LocalBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private pathOf(namespace: string, id: string): string {
    return join(this.root, checkName('namespace', namespace), checkName('id', id));
  }

  async put(namespace: string, source: Readable, limits: { maxBytes: number; idleMs: number }): Promise<StoredBlob> {
    const id = randomUUID();
    const target = this.pathOf(namespace, id);
    const temporary = join(this.root, TEMPORARY, id);
    await mkdir(join(this.root, TEMPORARY), { recursive: true });
    const meter = new Meter(limits);
    // `source` is piped, not pipelined: a failure here must not destroy it, since for an HTTP
    // request that would drop the connection before the caller hears why (413, 408).
    const interrupted = () => {
      if (!source.readableEnded) meter.destroy(new UploadInterruptedError());
    };
    const failed = (error: Error) => meter.destroy(error);
    source.once('error', failed).once('close', interrupted).pipe(meter);
    try {
      // `flush`: the content reaches the disk before the file closes, so before the rename.
      await pipeline(meter, createWriteStream(temporary, { flags: 'wx', mode: 0o600, flush: true }));
    } catch (error) {
      source.unpipe(meter);
      await rm(temporary, { force: true });
      throw error;
    } finally {
      source.off('error', failed).off('close', interrupted);
    }
    await mkdir(dirname(target), { recursive: true });
    await rename(temporary, target);
    return { id, size: meter.size, sha256: meter.digest() };
  }

  async open(namespace: string, id: string, range?: { start: number; end: number }): Promise<Readable | null> {
    let file;
    try {
      file = await open(this.pathOf(namespace, id), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    // Once open, the content stays readable even if the blob is replaced and deleted meanwhile.
    return file.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(namespace: string, id: string): Promise<void> {
    await rm(this.pathOf(namespace, id), { force: true });
  }

  async deleteNamespace(namespace: string): Promise<void> {
    await rm(join(this.root, checkName('namespace', namespace)), { recursive: true, force: true });
  }

  async sweep(live: (namespace: string) => Promise<ReadonlySet<string> | null>, graceMs: number, now: Date): Promise<SweepReport> {
    const report: SweepReport = { temporaryFiles: 0, orphanBlobs: 0, orphanNamespaces: 0 };
    await mkdir(join(this.root, TEMPORARY), { recursive: true });
    const stale = async (path: string) => now.getTime() - (await stat(path)).mtimeMs > graceMs;
    for (const name of await readdir(join(this.root, TEMPORARY))) {
      if (await stale(join(this.root, TEMPORARY, name))) {
        await rm(join(this.root, TEMPORARY, name), { force: true, recursive: true });
        report.temporaryFiles++;
      }
    }
    for (const entry of await readdir(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === TEMPORARY || !isUuid(entry.name)) continue;
      const directory = join(this.root, entry.name);
      const ids = await live(entry.name);
      if (ids === null) {
        await rm(directory, { recursive: true, force: true });
        report.orphanNamespaces++;
        continue;
      }
      for (const name of await readdir(directory)) {
        if (!ids.has(name) && (await stale(join(directory, name)))) {
          await rm(join(directory, name), { force: true });
          report.orphanBlobs++;
        }
      }
    }
    return report;
  }
}
