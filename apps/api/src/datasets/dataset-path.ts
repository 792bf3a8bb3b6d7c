import { DATASET_PATH_MAX_BYTES } from '@behalf/contracts';
import { ProblemError } from '../kernel/problem';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `segment` (already percent-decoded) cannot be part of a dataset path, if it cannot. */
function segmentProblem(segment: string): string | undefined {
  if (segment === '') return 'expected no empty segment ("//", or a leading or trailing "/")';
  if (segment === '.' || segment === '..') return `expected no "${segment}" segment`;
  if (segment.includes('/')) return 'expected no encoded "/" inside a segment';
  if (segment.includes('\\')) return 'expected no backslash';
  if (segment.includes('\u0000')) return 'expected no NUL character';
  if (CONTROL.test(segment)) return 'expected no control character';
  return undefined;
}

function invalidPath(message: string): ProblemError {
  return new ProblemError('validation-failed', 'The file path is invalid.', [{ path: 'params.path', message }]);
}

/**
 * The dataset path named by the still percent-encoded URL remainder after `/files/`: segments of
 * UTF-8 joined by "/", 1 to {@link DATASET_PATH_MAX_BYTES} bytes. Each segment is decoded on its
 * own, so an encoded "/" or "." cannot smuggle in a segment the raw URL does not show. Paths never
 * reach the file system (blobs are stored by id), but a path that would be dangerous there is
 * refused anyway, so datasets can be mounted as directories.
 * @throws ProblemError (400) saying what is wrong.
 */
export function parseDatasetPath(encoded: string): string {
  if (encoded === '') throw invalidPath(`expected a path of 1 to ${DATASET_PATH_MAX_BYTES} bytes`);
  const segments = encoded.split('/').map((raw) => {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw invalidPath('expected valid percent-encoding of UTF-8');
    }
    const problem = segmentProblem(segment);
    if (problem) throw invalidPath(problem);
    return segment;
  });
  const path = segments.join('/');
  if (Buffer.byteLength(path, 'utf8') > DATASET_PATH_MAX_BYTES) throw invalidPath(`expected a path of 1 to ${DATASET_PATH_MAX_BYTES} bytes`);
  return path;
}

/** A path prefix for listing: the same rules as a path, except that it may end with "/" or be empty. */
export function parsePathPrefix(prefix: string): string {
  if (prefix === '') return '';
  const trailing = prefix.endsWith('/');
  const body = trailing ? prefix.slice(0, -1) : prefix;
  const problem =
    Buffer.byteLength(prefix, 'utf8') > DATASET_PATH_MAX_BYTES
      ? `expected at most ${DATASET_PATH_MAX_BYTES} bytes`
      : body
          .split('/')
          .map(segmentProblem)
          .find((p) => p !== undefined);
  if (problem) throw new ProblemError('validation-failed', 'The request query is invalid.', [{ path: 'query.prefix', message: problem }]);
  return prefix;
}
