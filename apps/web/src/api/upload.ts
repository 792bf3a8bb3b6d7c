import { pathSerializer } from '@behalf/contracts/openapi';
import { csrfToken } from './client';
import { ApiProblem, problemOf, UNREACHABLE } from './problem';

/** An upload in flight: its progress, its end, and a way to cancel it. */
export interface Upload {
  done: Promise<void>;
  cancel: () => void;
}

export const CANCELLED = new ApiProblem('Upload cancelled', 'Nothing was stored.', 0);

/**
 * Stores `file` at `path` of the dataset: the raw body, streamed by the browser, with progress
 * (XMLHttpRequest: fetch reports no upload progress). Cancelling aborts the request; the API
 * stores a file only once its whole body arrived, so nothing half-written is left.
 */
export function uploadFile(datasetId: string, path: string, file: File, onProgress: (fraction: number) => void): Upload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<void>((resolve, reject) => {
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      reject(problemOf(body, new Response(null, { status: xhr.status })));
    };
    xhr.onerror = () => reject(UNREACHABLE);
    xhr.onabort = () => reject(CANCELLED);
  });
  xhr.open('PUT', pathSerializer('/api/v1/datasets/{id}/files/{path}', { id: datasetId, path }));
  xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
  const token = csrfToken();
  if (token) xhr.setRequestHeader('x-csrf-token', token);
  xhr.send(file);
  return { done, cancel: () => xhr.abort() };
}

/** The URL that downloads a dataset file (the session cookie authenticates it). */
export function fileUrl(datasetId: string, path: string): string {
  return pathSerializer('/api/v1/datasets/{id}/files/{path}', { id: datasetId, path });
}
