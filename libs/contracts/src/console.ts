/**
 * The web console's top-level paths: the API serves the console's page at each (and below it),
 * and nowhere else, so every other path stays the API's (a 404 problem when unknown). The
 * console's router uses only these (apps/web/src/app/paths.spec.ts).
 */
export const CONSOLE_SECTIONS = ['login', 'me', 'users', 'groups', 'webapps', 'datasets', 'audit', 'explain', 'keys'] as const;

export type ConsoleSection = (typeof CONSOLE_SECTIONS)[number];
