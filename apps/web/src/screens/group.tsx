import { Anchor, Badge, Button, Card, Group, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { expired, localInputToIso, when } from '../ui/format';
import { Saved, whenLoaded } from '../ui/loaded';
import { DataTable } from '../ui/data-table';
import { Page } from '../ui/page';
import { Pager, usePaging } from '../ui/pager';
import { GroupPicker, UserPicker } from '../ui/pickers';
import { fieldError, ProblemAlert } from '../ui/problem-alert';
import { PermissionBoxes, type Permissions } from './groups';

interface GroupData {
  id: string;
  name: string;
  description?: string | null;
  permissions: Permissions;
}

function Settings({ group }: { group: GroupData }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description ?? '');
  const [permissions, setPermissions] = useState(group.permissions);
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH('/api/v1/groups/{id}', { params: { path: { id: group.id } }, body: { name, description, permissions } })),
    onSuccess: (g) => {
      queryClient.setQueryData(['groups', group.id], g);
      return queryClient.invalidateQueries({ queryKey: ['groups', 'list'] });
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/groups/{id}', { params: { path: { id: group.id } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['groups'] });
      await navigate({ to: '/groups' });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="Group settings">
      <Stack gap="sm">
        <ProblemAlert error={save.error ?? remove.error} />
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(save.error, 'name')} />
        <Textarea
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={fieldError(save.error, 'description')}
        />
        <PermissionBoxes value={permissions} onChange={setPermissions} error={fieldError(save.error, 'permissions')} />
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save group
          </Button>
          <Button color="red" variant="light" onClick={() => remove.mutate()} loading={remove.isPending}>
            Delete group
          </Button>
          <Saved saved={save.isSuccess} />
        </Group>
      </Stack>
    </form>
  );
}

function Members({ groupId }: { groupId: string }) {
  const paging = usePaging();
  const queryClient = useQueryClient();
  const [userId, setUserId] = useState<string | null>(null);
  const members = useQuery({
    queryKey: ['groups', groupId, 'members', paging.cursor],
    queryFn: () => unwrap(api.GET('/api/v1/groups/{id}/members', { params: { path: { id: groupId }, query: { cursor: paging.cursor } } })),
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['groups', groupId, 'members'] });
  const add = useMutation({
    mutationFn: (id: string) => unwrap(api.PUT('/api/v1/groups/{id}/members/{userId}', { params: { path: { id: groupId, userId: id } } })),
    onSuccess: async () => {
      setUserId(null);
      await invalidate();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/groups/{id}/members/{userId}', { params: { path: { id: groupId, userId: id } } })),
    onSuccess: invalidate,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (userId) add.mutate(userId);
  };
  return (
    <Stack gap="sm">
      <ProblemAlert error={members.error ?? remove.error} />
      {members.data?.items.length === 0 ? <Text c="dimmed">No members yet.</Text> : null}
      {members.data?.items.map((m) => (
        <Group key={m.userId} justify="space-between" wrap="nowrap">
          <Group gap="xs">
            <Anchor component={Link} to={`/users/${m.userId}`}>
              {m.login}
            </Anchor>
            {m.status === 'disabled' ? (
              <Badge color="gray" variant="light">
                disabled
              </Badge>
            ) : null}
          </Group>
          <Button size="xs" variant="light" color="red" onClick={() => remove.mutate(m.userId)} aria-label={`Remove ${m.login}`}>
            Remove
          </Button>
        </Group>
      ))}
      <Pager paging={paging} nextCursor={members.data?.nextCursor} label="Members" />
      <form onSubmit={submit} aria-label="Add a member">
        <Group align="end" wrap="wrap">
          <UserPicker label="Add a member" value={userId} onChange={setUserId} error={fieldError(add.error, 'userId')} />
          <Button type="submit" disabled={!userId} loading={add.isPending}>
            Add member
          </Button>
        </Group>
        <ProblemAlert error={add.error} />
      </form>
    </Stack>
  );
}

function Grants({ groupId, groupName }: { groupId: string; groupName: string }) {
  const paging = usePaging();
  const queryClient = useQueryClient();
  const [target, setTarget] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const grants = useQuery({
    queryKey: ['groups', groupId, 'grants', paging.cursor],
    queryFn: () => unwrap(api.GET('/api/v1/groups/{id}/impersonation-targets', { params: { path: { id: groupId }, query: { cursor: paging.cursor } } })),
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['groups', groupId, 'grants'] });
  const grant = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/groups/{id}/impersonation-targets/{targetGroupId}', {
          params: { path: { id: groupId, targetGroupId: target ?? '' } },
          body: { reason, expiresAt: localInputToIso(expiresAt) },
        }),
      ),
    onSuccess: async () => {
      setTarget(null);
      setReason('');
      setExpiresAt('');
      await invalidate();
    },
  });
  const remove = useMutation({
    mutationFn: (targetGroupId: string) =>
      unwrap(api.DELETE('/api/v1/groups/{id}/impersonation-targets/{targetGroupId}', { params: { path: { id: groupId, targetGroupId } } })),
    onSuccess: invalidate,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    grant.mutate();
  };
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Webapps running as a member of {groupName} may act on behalf of members of these groups, where the webapp allows it.
      </Text>
      <ProblemAlert error={grants.error ?? remove.error} />
      <DataTable
        label="Impersonation targets"
        minWidth={600}
        columns={['Target group', 'Reason', 'Expires', 'Granted by', 'Actions']}
        rows={grants.data?.items}
        rowKey={(g) => g.targetGroup.id}
        cells={(g) => [
          <Anchor component={Link} to={`/groups/${g.targetGroup.id}`}>
            {g.targetGroup.name}
          </Anchor>,
          g.reason,
          <>
            {g.expiresAt ? when(g.expiresAt) : 'never'}{' '}
            {expired(g.expiresAt) ? (
              <Badge color="orange" variant="light">
                expired
              </Badge>
            ) : null}
          </>,
          `${g.createdBy?.login ?? '—'}, ${when(g.createdAt)}`,
          <Button
            size="xs"
            variant="light"
            color="red"
            onClick={() => remove.mutate(g.targetGroup.id)}
            aria-label={`Remove the grant on ${g.targetGroup.name}`}
          >
            Remove
          </Button>,
        ]}
        empty="No impersonation targets."
      />
      <Pager paging={paging} nextCursor={grants.data?.nextCursor} label="Impersonation targets" />
      <form onSubmit={submit} aria-label="Grant impersonation">
        <Stack gap="sm">
          <Title order={3} size="h4">
            Grant impersonation
          </Title>
          <ProblemAlert error={grant.error} />
          <GroupPicker label="Target group" description="whose members may be acted for" value={target} onChange={setTarget} exclude={groupId} />
          <TextInput label="Reason" required value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={fieldError(grant.error, 'reason')} />
          <TextInput
            label="Expires"
            description="optional: leave empty for no expiry"
            type="datetime-local"
            value={expiresAt}
            onChange={(e) => setExpiresAt(e.currentTarget.value)}
            error={fieldError(grant.error, 'expiresAt')}
          />
          <Group>
            <Button type="submit" disabled={!target || !reason} loading={grant.isPending}>
              Grant
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

export function GroupScreen() {
  const { groupId } = useParams({ strict: false }) as { groupId: string };
  const group = useQuery({
    queryKey: ['groups', groupId],
    queryFn: () => unwrap(api.GET('/api/v1/groups/{id}', { params: { path: { id: groupId } } })),
  });
  const loaded = whenLoaded(group, 'Group');
  if ('view' in loaded) return loaded.view;
  const g = loaded.data;
  return (
    <Page title={`Group ${g.name}`}>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Settings
        </Title>
        <Settings key={g.id} group={g} />
      </Card>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Members
        </Title>
        <Members groupId={g.id} />
      </Card>
      <Card withBorder>
        <Title order={2} size="h3" mb="sm">
          Impersonation targets
        </Title>
        <Grants groupId={g.id} groupName={g.name} />
      </Card>
    </Page>
  );
}
