/** Every screen's path, as the router declares them (their first segments are the API's CONSOLE_SECTIONS). */
export const SCREEN_PATHS = [
  '/login',
  '/me/secrets',
  '/me/acted-as-me',
  '/users',
  '/users/$userId',
  '/groups',
  '/groups/$groupId',
  '/webapps',
  '/webapps/$webappId',
  '/datasets',
  '/datasets/$datasetId',
  '/audit',
  '/explain',
  '/keys',
] as const;

export type ScreenPath = (typeof SCREEN_PATHS)[number];
