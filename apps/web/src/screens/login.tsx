import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { authorizeReturnTo, consolePath } from '../app/return-to';
import { meQuery } from '../app/session';
import { ProblemAlert } from '../ui/problem-alert';

const REASONS: Record<string, string> = {
  expired: 'Your session has ended. Sign in again to go on where you were.',
  'signed-out': 'You are signed out.',
};

/**
 * The login page: for the console, and for the sign-in step of a webapp (`/oauth/authorize`
 * sends viewers here with `return_to`, and they continue into it once signed in).
 */
export function LoginScreen() {
  const search = useSearch({ strict: false }) as { return_to?: string; next?: string; reason?: string };
  const authorize = authorizeReturnTo(search.return_to);
  const next = consolePath(search.next) ?? '/';
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  useEffect(() => {
    document.title = 'Sign in · Behalf';
  }, []);

  const signIn = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/login', { body: { login, password } })),
    onSuccess: async (me) => {
      setPassword('');
      queryClient.clear();
      queryClient.setQueryData(meQuery.queryKey, me);
      // Into the webapp's sign-in (a full navigation: the API answers it with a redirect), or back
      // to the console page the person came from.
      if (authorize) window.location.assign(authorize);
      else await navigate({ to: next });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };

  const notice = search.reason ? REASONS[search.reason] : undefined;
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder p="xl" w="100%" maw={420} radius="md">
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={1} size="h2">
              Sign in to Behalf
            </Title>
            {authorize ? <Text>Sign in to open the webapp.</Text> : null}
            {notice && !signIn.error ? (
              <Alert color="blue" variant="light" role="status">
                {notice}
              </Alert>
            ) : null}
            <ProblemAlert error={signIn.error} />
            <TextInput label="Login" name="login" autoComplete="username" required value={login} onChange={(e) => setLogin(e.currentTarget.value)} autoFocus />
            <PasswordInput
              label="Password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              visibilityToggleButtonProps={{ 'aria-label': 'Show the password' }}
            />
            <Button type="submit" loading={signIn.isPending} disabled={!login || !password}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
