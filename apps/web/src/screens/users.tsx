import { Anchor, Badge, Button, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearch } from '@tanstack/react-router';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { when } from '../ui/format';
import { CreateDialog } from '../ui/create-dialog';
import { DataTable } from '../ui/data-table';
import { Page } from '../ui/page';
import { Pager, usePaging } from '../ui/pager';
import { fieldError, ProblemAlert } from '../ui/problem-alert';

/** The password rule the API enforces (users.schemas: 12 to 1024 characters). */
export const PASSWORD_RULE = 'At least 12 characters (at most 1024). A passphrase of several words is best.';

function CreateUser({ onCreated }: { onCreated: (id: string) => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ login: '', displayName: '', email: '', password: '', status: 'active' as 'active' | 'disabled' });
  const set = (key: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [key]: value }));
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/users', {
          body: {
            login: form.login,
            displayName: form.displayName || undefined,
            email: form.email || undefined,
            password: form.password || undefined,
            status: form.status,
          },
        }),
      ),
    onSuccess: async (user) => {
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      onCreated(user.id);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New user">
      <Stack gap="sm">
        <ProblemAlert error={create.error} />
        <TextInput
          label="Login"
          required
          value={form.login}
          onChange={(e) => set('login')(e.currentTarget.value)}
          error={fieldError(create.error, 'login')}
          data-autofocus
        />
        <TextInput
          label="Display name"
          value={form.displayName}
          onChange={(e) => set('displayName')(e.currentTarget.value)}
          error={fieldError(create.error, 'displayName')}
        />
        <TextInput
          label="Email"
          type="email"
          value={form.email}
          onChange={(e) => set('email')(e.currentTarget.value)}
          error={fieldError(create.error, 'email')}
        />
        <PasswordInput
          label="Password"
          description={PASSWORD_RULE}
          value={form.password}
          onChange={(e) => set('password')(e.currentTarget.value)}
          error={fieldError(create.error, 'password') ?? (form.password && form.password.length < 12 ? 'Too short: at least 12 characters.' : undefined)}
          autoComplete="new-password"
          visibilityToggleButtonProps={{ 'aria-label': 'Show the password' }}
        />
        <Select label="Status" data={['active', 'disabled']} value={form.status} onChange={(v) => set('status')(v ?? 'active')} allowDeselect={false} />
        <Button type="submit" loading={create.isPending} disabled={!form.login}>
          Create user
        </Button>
      </Stack>
    </form>
  );
}

export function UsersScreen() {
  const search = useSearch({ strict: false }) as { q?: string };
  const [text, setText] = useState(search.q ?? '');
  const [q] = useDebouncedValue(text.trim(), 250);
  const paging = usePaging();
  const { reset } = paging;
  useEffect(() => reset(), [q, reset]);
  const users = useQuery({
    queryKey: ['users', 'list', q, paging.cursor],
    queryFn: () => unwrap(api.GET('/api/v1/users', { params: { query: { q: q || undefined, cursor: paging.cursor } } })),
  });
  return (
    <Page title="Users" actions={<CreateDialog title="New user" pathOf={(id) => `/users/${id}`} form={(created) => <CreateUser onCreated={created} />} />}>
      <TextInput
        label="Search"
        description="login, display name or email, from the start"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        maw={360}
      />
      <ProblemAlert error={users.error} />
      <DataTable
        label="Users"
        minWidth={560}
        columns={['Login', 'Display name', 'Email', 'Status', 'Created']}
        rows={users.data?.items}
        rowKey={(u) => u.id}
        cells={(u) => [
          <Anchor component={Link} to={`/users/${u.id}`}>
            {u.login}
          </Anchor>,
          u.displayName,
          u.email ?? '—',
          <Badge color={u.status === 'active' ? 'green' : 'gray'} variant="light">
            {u.status}
          </Badge>,
          when(u.createdAt),
        ]}
        striped
        highlightOnHover
        empty={q ? 'No user matches.' : 'No users yet.'}
      />
      <Pager paging={paging} nextCursor={users.data?.nextCursor} label="Users" />
    </Page>
  );
}
