// The generated OpenAPI types under the names the clients use (a file of its own, so a browser
// bundle can import these types without the rest of the contracts).
export type { paths as ApiPaths, components as ApiComponents } from './openapi';
