import '@mantine/core/styles.css';
import { MantineProvider, localStorageColorSchemeManager } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { whenSessionLost } from './api/client';
import { ApiProblem } from './api/problem';
import { createConsoleRouter } from './app/router';
import { shareStyleNonce } from './app/style-nonce';
import { cssVariablesResolver, theme } from './app/theme';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal (4xx) will not change on retry; a network failure may.
      retry: (count, error) => count < 2 && !(error instanceof ApiProblem && error.status > 0 && error.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});
const router = createConsoleRouter(queryClient);
const getStyleNonce = shareStyleNonce();

let redirecting = false;
whenSessionLost(() => {
  if (redirecting || router.state.location.pathname === '/login') return;
  redirecting = true;
  const next = router.state.location.href;
  queryClient.clear();
  void router.navigate({ to: '/login', search: { next, reason: 'expired' } }).finally(() => {
    redirecting = false;
  });
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariablesResolver}
      getStyleNonce={getStyleNonce}
      defaultColorScheme="auto"
      colorSchemeManager={localStorageColorSchemeManager({ key: 'behalf-color-scheme' })}
    >
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
