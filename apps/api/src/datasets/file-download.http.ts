import type { Readable } from 'node:stream';
import { ProblemError } from '../kernel/problem';
import type { FileRead } from './dataset-files.service';

/** A file read said in HTTP: the status, its headers, and the content when there is any. */
export interface FileDownload {
  status: 200 | 206 | 304;
  headers: Record<string, string>;
  content?: Readable;
}

/**
 * The answer to a GET of a file (RFC 9110 §13–15): validators on every answer, 304 when the
 * caller has it, 416 with the file's size in `Content-Range` outside it, else 200 or 206. Content is
 * whatever users uploaded: it is never to run as part of this origin.
 * @throws ProblemError 416
 */
export function fileDownload(read: FileRead): FileDownload {
  const { file, etag } = read;
  const validators = { etag, 'last-modified': new Date(file.updatedAt).toUTCString(), 'accept-ranges': 'bytes' };
  if (read.kind === 'not_modified') return { status: 304, headers: validators };
  if (read.kind === 'range_not_satisfiable') {
    throw new ProblemError('range-not-satisfiable', `The file has ${file.size} bytes: the range asked for lies outside them.`, undefined, {
      'content-range': `bytes */${file.size}`,
    });
  }
  const headers = {
    ...validators,
    'content-type': file.contentType,
    'content-disposition': 'attachment',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "sandbox; default-src 'none'",
  };
  if (read.range) {
    const { start, end } = read.range;
    return {
      status: 206,
      headers: { ...headers, 'content-range': `bytes ${start}-${end}/${file.size}`, 'content-length': String(end - start + 1) },
      content: read.content,
    };
  }
  return { status: 200, headers: { ...headers, 'content-length': String(file.size) }, content: read.content };
}
