// The generated OpenAPI types under the names the clients use, and how both clients (the runtime
// SDK's and the web console's) put parameters into paths. A file of its own, free of the rest of
// the contracts, so a browser bundle can import it alone.
export type { paths as ApiPaths, components as ApiComponents } from './openapi';

const PARAM = /\{([^}]+)\}/g;

/**
 * `pathname` with its `{name}` parameters percent-encoded, except that a dataset file's `path`
 * keeps its slashes (each segment encoded on its own: how the API parses it).
 */
export function pathSerializer(pathname: string, params: Record<string, unknown>): string {
  return pathname.replace(PARAM, (whole, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) return whole;
    const text = String(value);
    return name === 'path' ? text.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(text);
  });
}
