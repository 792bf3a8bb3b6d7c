import { Anchor, Badge, Button, Card, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { when } from '../ui/format';
import { Saved, whenLoaded } from '../ui/loaded';
import { DataTable } from '../ui/data-table';
import { Page } from '../ui/page';
import { Pager, usePaging } from '../ui/pager';
import { fieldError, ProblemAlert } from '../ui/problem-alert';
import { PASSWORD_RULE } from './users';

type UserPatch = { displayName?: string; email?: string; password?: string; status?: 'active' | 'disabled' };

function useUpdateUser(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: UserPatch) => unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: patch })),
    onSuccess: (user) => {
      queryClient.setQueryData(['users', id], user);
      return queryClient.invalidateQueries({ queryKey: ['users', 'list'] });
    },
  });
}

function Profile({ user }: { user: { id: string; displayName: string; email?: string | null } }) {
  const [displayName, setDisplayName] = useState(user.displayName);
  const [email, setEmail] = useState(user.email ?? '');
  const update = useUpdateUser(user.id);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ displayName, email: email || undefined });
  };
  return (
    <form onSubmit={submit} aria-label="Profile">
      <Stack gap="sm">
        <ProblemAlert error={update.error} />
        <TextInput
          label="Display name"
          value={displayName}
          onChange={(e) => setDisplayName(e.currentTarget.value)}
          error={fieldError(update.error, 'displayName')}
        />
        <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={fieldError(update.error, 'email')} />
        <Group>
          <Button type="submit" loading={update.isPending}>
            Save profile
          </Button>
          <Saved saved={update.isSuccess} />
        </Group>
      </Stack>
    </form>
  );
}

function Access({ user }: { user: { id: string; login: string; status: 'active' | 'disabled' } }) {
  const [password, setPassword] = useState('');
  const status = useUpdateUser(user.id);
  const reset = useUpdateUser(user.id);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    reset.mutate({ password }, { onSuccess: () => setPassword('') });
  };
  const disabled = user.status === 'disabled';
  return (
    <Stack gap="sm">
      <ProblemAlert error={status.error} />
      <Group>
        <Badge color={disabled ? 'gray' : 'green'} variant="light" size="lg">
          {user.status}
        </Badge>
        <Button
          variant={disabled ? 'filled' : 'light'}
          color={disabled ? undefined : 'red'}
          loading={status.isPending}
          onClick={() => status.mutate({ status: disabled ? 'active' : 'disabled' })}
        >
          {disabled ? 'Enable' : 'Disable'} {user.login}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        Disabling, or a new password, ends every session and API key of {user.login} and stops the webapp runs that depend on them.
      </Text>
      <form onSubmit={submit} aria-label="Reset password">
        <Stack gap="sm">
          <ProblemAlert error={reset.error} />
          <PasswordInput
            label="New password"
            description={PASSWORD_RULE}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
            error={fieldError(reset.error, 'password') ?? (password && password.length < 12 ? 'Too short: at least 12 characters.' : undefined)}
            visibilityToggleButtonProps={{ 'aria-label': 'Show the password' }}
          />
          <Group>
            <Button type="submit" disabled={password.length < 12} loading={reset.isPending}>
              Reset password
            </Button>
            <Saved saved={reset.isSuccess}>Password changed.</Saved>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

function Groups({ userId }: { userId: string }) {
  const paging = usePaging();
  const groups = useQuery({
    queryKey: ['users', userId, 'groups', paging.cursor],
    queryFn: () => unwrap(api.GET('/api/v1/users/{id}/groups', { params: { path: { id: userId }, query: { cursor: paging.cursor } } })),
  });
  return (
    <Stack gap="xs">
      <ProblemAlert error={groups.error} />
      {groups.data?.items.length === 0 ? <Text c="dimmed">In no group.</Text> : null}
      <Group gap="xs">
        {groups.data?.items.map((g) => (
          <Anchor key={g.id} component={Link} to={`/groups/${g.id}`}>
            {g.name}
          </Anchor>
        ))}
      </Group>
      <Pager paging={paging} nextCursor={groups.data?.nextCursor} label="Groups" />
    </Stack>
  );
}

function ApiKeys({ userId }: { userId: string }) {
  const paging = usePaging();
  const queryClient = useQueryClient();
  const keys = useQuery({
    queryKey: ['api-keys', userId, paging.cursor],
    queryFn: () => unwrap(api.GET('/api/v1/api-keys', { params: { query: { userId, cursor: paging.cursor } } })),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-keys', userId] }),
  });
  return (
    <Stack gap="xs">
      <ProblemAlert error={keys.error ?? revoke.error} />
      <DataTable
        label="API keys"
        minWidth={520}
        columns={['Name', 'Prefix', 'Last used', 'Expires', 'State']}
        rows={keys.data?.items}
        rowKey={(k) => k.id}
        cells={(k) => [
          k.name,
          <Text ff="monospace" size="sm">
            {k.prefix}
          </Text>,
          when(k.lastUsedAt),
          when(k.expiresAt),
          k.revokedAt ? (
            <Badge color="gray" variant="light">
              revoked
            </Badge>
          ) : (
            <Button size="xs" color="red" variant="light" onClick={() => revoke.mutate(k.id)} aria-label={`Revoke API key ${k.name}`}>
              Revoke
            </Button>
          ),
        ]}
        empty="No API keys."
      />
      <Pager paging={paging} nextCursor={keys.data?.nextCursor} label="API keys" />
    </Stack>
  );
}

export function UserScreen() {
  const { userId } = useParams({ strict: false }) as { userId: string };
  const user = useQuery({
    queryKey: ['users', userId],
    queryFn: () => unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id: userId } } })),
  });
  const loaded = whenLoaded(user, 'User');
  if ('view' in loaded) return loaded.view;
  const u = loaded.data;
  return (
    <Page title={`User ${u.login}`}>
      <Text c="dimmed" size="sm">
        Created {when(u.createdAt)} · {u.hasPassword ? 'has a password' : 'no password'}
      </Text>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Profile
        </Title>
        <Profile key={u.id} user={u} />
      </Card>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Access
        </Title>
        <Access user={u} />
      </Card>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Groups
        </Title>
        <Groups userId={u.id} />
      </Card>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          API keys
        </Title>
        <ApiKeys userId={u.id} />
      </Card>
    </Page>
  );
}
