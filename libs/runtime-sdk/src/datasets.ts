import { Readable } from 'node:stream';
import type { Dataset, DatasetFile } from '@behalf/contracts';
import type { BehalfClient } from './api-client';
import { errorFromBody, errorOf } from './errors';

/** What a dataset file is written from. */
export type FileBody = string | Uint8Array | Readable | ReadableStream<Uint8Array>;

/** The answer of one openapi-fetch call, as {@link unwrap} reads it. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a successful answer, or its typed error. */
export function unwrap<T>(answer: Answer<T>): T {
  if (answer.response.ok) return answer.data as T;
  throw errorFromBody(answer.error, answer.response.status);
}

/**
 * Datasets, through the API, as whoever the client's credential is: inside `asViewer`, the
 * viewer (with the run's identity named as the actor in every audit record); outside, the run's
 * identity. Denials are {@link ApiProblemError}s (`forbidden`, `not-found`).
 */
export class DatasetClient {
  constructor(private readonly client: BehalfClient) {}

  /** Every dataset the current principal may read, by name, with its access (`read`, `write`, `manage`). */
  async list(): Promise<Dataset[]> {
    const all: Dataset[] = [];
    let cursor: string | undefined;
    do {
      const page = unwrap(await this.client.GET('/api/v1/datasets', { params: { query: { limit: 200, cursor } } }));
      all.push(...(page.items as Dataset[]));
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  /** The readable dataset called `name`, or undefined. */
  async find(name: string): Promise<Dataset | undefined> {
    return (await this.list()).find((d) => d.name === name);
  }

  /** The dataset's files, optionally under `prefix`. */
  async files(datasetId: string, options: { prefix?: string } = {}): Promise<DatasetFile[]> {
    const all: DatasetFile[] = [];
    let cursor: string | undefined;
    do {
      const page = unwrap(
        await this.client.GET('/api/v1/datasets/{id}/files', { params: { path: { id: datasetId }, query: { limit: 200, cursor, prefix: options.prefix } } }),
      );
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  /** A file's content as a Node stream (not buffered). */
  async read(datasetId: string, path: string): Promise<Readable> {
    const answer = await this.client.GET('/api/v1/datasets/{id}/files/{path}', { params: { path: { id: datasetId, path } }, parseAs: 'stream' });
    if (!answer.response.ok) throw await errorOf(answer.response);
    return Readable.fromWeb(answer.response.body as never);
  }

  /** A file's content as text (UTF-8). */
  async readText(datasetId: string, path: string): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.read(datasetId, path)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Stores a file (creating or replacing it), streamed when `body` is a stream. */
  async write(datasetId: string, path: string, body: FileBody, options: { contentType?: string } = {}): Promise<DatasetFile> {
    const raw = body instanceof Readable ? (Readable.toWeb(body) as ReadableStream<Uint8Array>) : body;
    return unwrap(
      await this.client.PUT('/api/v1/datasets/{id}/files/{path}', {
        params: { path: { id: datasetId, path } },
        body: raw as never,
        bodySerializer: (value: unknown) => value as never,
        headers: { 'content-type': options.contentType ?? (typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream') },
      }),
    ) as DatasetFile;
  }

  /** Deletes a file. */
  async delete(datasetId: string, path: string): Promise<void> {
    unwrap(await this.client.DELETE('/api/v1/datasets/{id}/files/{path}', { params: { path: { id: datasetId, path } } }));
  }
}
