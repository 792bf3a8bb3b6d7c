import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, Outlet, redirect } from '@tanstack/react-router';
import { NotFound } from '../screens/not-found';
import { LoginScreen } from '../screens/login';
import { meQuery } from './session';
import type { ScreenPath } from './paths';
import { Shell } from './shell';

/** Query-string values as optional strings: anything else in the URL is dropped, never trusted. */
function strings<K extends string>(keys: readonly K[]) {
  return (search: Record<string, unknown>): Partial<Record<K, string>> => {
    const out: Partial<Record<K, string>> = {};
    for (const key of keys) {
      const value = search[key];
      if (typeof value === 'string' && value !== '') out[key] = value;
      else if (typeof value === 'number') out[key] = String(value);
    }
    return out;
  };
}

const rootRoute = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: Outlet,
  notFoundComponent: NotFound,
});

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login' satisfies ScreenPath,
  validateSearch: strings(['return_to', 'next', 'reason'] as const),
  component: LoginScreen,
});

/** Every other screen needs a session: without one, the login page, which comes back here. */
const shellRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'signed-in',
  beforeLoad: async ({ context, location }) => {
    try {
      return { me: await context.queryClient.ensureQueryData(meQuery) };
    } catch {
      throw redirect({ to: '/login', search: { next: location.href } });
    }
  },
  component: Shell,
});

const screen = <P extends ScreenPath>(
  path: P,
  load: () => Promise<Record<string, unknown>>,
  name: string,
  validateSearch?: (s: Record<string, unknown>) => object,
) =>
  createRoute({
    getParentRoute: () => shellRoute,
    path,
    component: lazyRouteComponent(load as () => Promise<Record<string, () => React.JSX.Element>>, name),
    ...(validateSearch ? { validateSearch } : {}),
  });

const indexRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/me/secrets' });
  },
});

export const routeTree = rootRoute.addChildren([
  loginRoute,
  shellRoute.addChildren([
    indexRoute,
    screen('/me/secrets', () => import('../screens/my-secrets'), 'MySecretsScreen'),
    screen('/me/acted-as-me', () => import('../screens/acted-as-me'), 'ActedAsMeScreen', strings(['actor', 'webapp', 'action', 'outcome'] as const)),
    screen('/users', () => import('../screens/users'), 'UsersScreen', strings(['q'] as const)),
    screen('/users/$userId', () => import('../screens/user'), 'UserScreen'),
    screen('/groups', () => import('../screens/groups'), 'GroupsScreen'),
    screen('/groups/$groupId', () => import('../screens/group'), 'GroupScreen'),
    screen('/webapps', () => import('../screens/webapps'), 'WebappsScreen'),
    screen('/webapps/$webappId', () => import('../screens/webapp'), 'WebappScreen'),
    screen('/datasets', () => import('../screens/datasets'), 'DatasetsScreen'),
    screen('/datasets/$datasetId', () => import('../screens/dataset'), 'DatasetScreen'),
    screen('/audit', () => import('../screens/audit'), 'AuditScreen', strings(['action', 'actor', 'subject', 'webapp', 'outcome', 'since', 'until'] as const)),
    screen('/explain', () => import('../screens/explain'), 'ExplainScreen', strings(['actor', 'subject', 'webapp'] as const)),
    screen('/keys', () => import('../screens/keys'), 'KeysScreen'),
  ]),
]);

export function createConsoleRouter(queryClient: QueryClient) {
  return createRouter({ routeTree, context: { queryClient }, defaultPreload: 'intent', scrollRestoration: true });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createConsoleRouter>;
  }
}
