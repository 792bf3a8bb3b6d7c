import { Anchor, Badge, Button, Checkbox, Group, Stack, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { CreateDialog } from '../ui/create-dialog';
import { DataTable } from '../ui/data-table';
import { Page } from '../ui/page';
import { Pager, usePaging } from '../ui/pager';
import { fieldError, ProblemAlert } from '../ui/problem-alert';

export const PERMISSIONS = [
  { key: 'admin', label: 'Admin', description: 'everything, including users, groups, grants, keys and settings' },
  { key: 'mayCreateWebapps', label: 'May create webapps', description: '' },
  { key: 'mayManageDatasets', label: 'May manage datasets', description: '' },
  { key: 'gateway', label: 'Gateway', description: 'for the gateway’s service principal only' },
] as const;

export type Permissions = Record<(typeof PERMISSIONS)[number]['key'], boolean>;

/** The permission checkboxes of a group form. */
export function PermissionBoxes({ value, onChange, error }: { value: Permissions; onChange: (p: Permissions) => void; error?: string }) {
  return (
    <Checkbox.Group
      label="Permissions"
      error={error}
      value={PERMISSIONS.filter((p) => value[p.key]).map((p) => p.key)}
      onChange={(keys) => onChange(Object.fromEntries(PERMISSIONS.map((p) => [p.key, keys.includes(p.key)])) as Permissions)}
    >
      <Stack gap={6} mt={6}>
        {PERMISSIONS.map((p) => (
          <Checkbox key={p.key} value={p.key} label={p.label} description={p.description || undefined} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}

const NONE: Permissions = { admin: false, mayCreateWebapps: false, mayManageDatasets: false, gateway: false };

function CreateGroup({ onCreated }: { onCreated: (id: string) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [permissions, setPermissions] = useState<Permissions>(NONE);
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/groups', { body: { name, description: description || undefined, permissions } })),
    onSuccess: async (group) => {
      await queryClient.invalidateQueries({ queryKey: ['groups'] });
      onCreated(group.id);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New group">
      <Stack gap="sm">
        <ProblemAlert error={create.error} />
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(create.error, 'name')}
          data-autofocus
        />
        <Textarea
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={fieldError(create.error, 'description')}
        />
        <PermissionBoxes value={permissions} onChange={setPermissions} error={fieldError(create.error, 'permissions')} />
        <Button type="submit" loading={create.isPending} disabled={!name}>
          Create group
        </Button>
      </Stack>
    </form>
  );
}

export function GroupsScreen() {
  const paging = usePaging();
  const groups = useQuery({
    queryKey: ['groups', 'list', paging.cursor],
    queryFn: () => unwrap(api.GET('/api/v1/groups', { params: { query: { cursor: paging.cursor } } })),
  });
  return (
    <Page title="Groups" actions={<CreateDialog title="New group" pathOf={(id) => `/groups/${id}`} form={(created) => <CreateGroup onCreated={created} />} />}>
      <ProblemAlert error={groups.error} />
      <DataTable
        label="Groups"
        minWidth={480}
        columns={['Name', 'Description', 'Permissions']}
        rows={groups.data?.items}
        rowKey={(g) => g.id}
        cells={(g) => [
          <Anchor component={Link} to={`/groups/${g.id}`}>
            {g.name}
          </Anchor>,
          g.description ?? '',
          <Group gap={4}>
            {PERMISSIONS.filter((p) => g.permissions[p.key]).map((p) => (
              <Badge key={p.key} variant="light">
                {p.label}
              </Badge>
            ))}
          </Group>,
        ]}
        striped
        empty="No groups yet."
      />
      <Pager paging={paging} nextCursor={groups.data?.nextCursor} label="Groups" />
    </Page>
  );
}
